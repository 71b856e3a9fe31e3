package io.github.ttforwarder.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Pipeline vs floor on the same inputs, throughput in <b>events per second</b> (one thread).
 *
 * <ul>
 * <li>{@code collect100_*}: one {@code /ee/v2/collect} body of 100 XDM events per invocation
 *     ({@code @OperationsPerInvocation(100)}).</li>
 * <li>{@code plain1_*}: one plain event ({@code /events}, first element of {@code samples/plain-events.json}).</li>
 * </ul>
 * {@code *_floor}: {@link Floor}; {@code *_pipeline}: {@link Pipeline}. The set-up checks that both do the same
 * work: every event delivered, none rejected or unmatched, as many SHA-256 hashes in the pipeline's output as
 * the floor computes, and prints both outputs' sizes.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 8, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class ForwarderBenchmark {

    byte[] collect100;
    byte[] plain1;
    Pipeline pipeline;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        collect100 = BenchInput.collect100();
        plain1 = BenchInput.plain1();
        pipeline = new Pipeline();
        check("collect100", Pipeline.COLLECT, collect100, 100, 100 * BenchInput.HASHES_PER_XDM_EVENT);
        check("plain1", Pipeline.EVENTS, plain1, 1, BenchInput.HASHES_PLAIN);
    }

    private void check(String name, String endpoint, byte[] body, int events, int hashes) throws Exception {
        Pipeline.Check c = pipeline.verify(endpoint, body);
        byte[] floor = Floor.run(body);
        String summary = String.format("%n[check] %s: body %d bytes; rules %d; pipeline delivered %d events, %d bytes, "
                + "%d hashes, %d rejected, %d unmatched; floor %d hashes, envelope %d bytes",
                name, body.length, pipeline.ruleCount(), c.delivered(), c.deliveredBytes(), c.hashes(), c.rejected(),
                c.unmatched(), Floor.lastHashes, floor.length);
        System.out.println(summary);
        if (c.delivered() != events || c.rejected() != 0 || c.unmatched() != 0 || c.hashes() != hashes
                || Floor.lastHashes != hashes) {
            throw new IllegalStateException("benchmark set-up does not do the expected work: " + summary
                    + "\nresponse: " + c.response());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pipeline.close();
    }

    @Benchmark
    @OperationsPerInvocation(100)
    public byte[] collect100_floor() throws IOException {
        return Floor.run(collect100);
    }

    @Benchmark
    @OperationsPerInvocation(100)
    public Exchange collect100_pipeline() {
        return pipeline.send(Pipeline.COLLECT, collect100);
    }

    @Benchmark
    public byte[] plain1_floor() throws IOException {
        return Floor.run(plain1);
    }

    @Benchmark
    public Exchange plain1_pipeline() {
        return pipeline.send(Pipeline.EVENTS, plain1);
    }
}

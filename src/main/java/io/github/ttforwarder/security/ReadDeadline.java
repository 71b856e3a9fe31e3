package io.github.ttforwarder.security;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * The header phase of the request read deadline: a client must send a request's headers within the read timeout of
 * its first byte, else the connection is closed — a client dribbling its headers one byte at a time (slowloris) is
 * cut, which an idle timeout alone does not do. The body phase is timed by {@link MainPortGuard}.
 *
 * <p>Vert.x 4 has no public hook at connection accept, so the deadline handler is put first in the pipeline of every
 * connection the main HTTP server accepts, by a handler on its listening (parent) channel; that handler is installed
 * when the first request reaches the router ({@link #install}), through Vert.x's {@code ConnectionBase#channel()}.
 * Per connection: first inbound bytes while idle start the timer; {@link #headersReceived} (router saw the request)
 * stops it; {@link #requestDone} (answer written) makes the connection idle again.
 */
final class ReadDeadline {

    private static final AttributeKey<Deadline> KEY = AttributeKey.valueOf("forwarder.read-deadline");

    private final long timeoutMs;
    private final Consumer<String> onTimeout;
    private final AtomicBoolean installed = new AtomicBoolean();

    /**
     * @param timeoutMs most milliseconds from a request's first byte to its complete headers
     * @param onTimeout called (with the phase, "headers") when a connection is closed
     */
    ReadDeadline(long timeoutMs, Consumer<String> onTimeout) {
        this.timeoutMs = timeoutMs;
        this.onTimeout = onTimeout;
    }

    /** Installs the accept hook on the listening channel behind this connection (once); no-op when not reachable. */
    void install(HttpConnection connection) {
        if (installed.get() || !(connection instanceof ConnectionBase base)) {
            return;
        }
        Channel parent = base.channel().parent();
        if (parent == null || !installed.compareAndSet(false, true)) {
            return;
        }
        parent.pipeline().addFirst("forwarder-read-deadline-acceptor", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof Channel child) {
                    child.pipeline().addFirst("forwarder-read-deadline", new Deadline());
                }
                ctx.fireChannelRead(msg);
            }

            @Override
            public boolean isSharable() {
                return true;
            }
        });
    }

    /** The router saw the request of this connection: its headers arrived in time. */
    void headersReceived(HttpConnection connection) {
        Deadline d = deadline(connection);
        if (d != null) {
            d.inRequest = true;
            d.cancel();
        }
    }

    /** The request of this connection was answered: the next bytes start a new deadline. */
    void requestDone(HttpConnection connection) {
        Deadline d = deadline(connection);
        if (d != null) {
            d.inRequest = false;
        }
    }

    private static Deadline deadline(HttpConnection connection) {
        return connection instanceof ConnectionBase base ? base.channel().attr(KEY).get() : null;
    }

    /** Per connection, first in its pipeline; all calls on the connection's event loop. */
    private final class Deadline extends ChannelDuplexHandler {
        volatile boolean inRequest;
        private ScheduledFuture<?> timer;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            ctx.channel().attr(KEY).set(this);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!inRequest && timer == null) {
                timer = ctx.executor().schedule(() -> {
                    timer = null;
                    if (!inRequest && ctx.channel().isActive()) {
                        onTimeout.accept("headers");
                        ctx.close();
                    }
                }, timeoutMs, TimeUnit.MILLISECONDS);
            }
            ctx.fireChannelRead(msg);
        }

        void cancel() {
            ScheduledFuture<?> t = timer;
            if (t != null) {
                t.cancel(false);
                timer = null;
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            cancel();
            super.channelInactive(ctx);
        }
    }
}

package io.github.ttforwarder.delivery.dedup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.LongSupplier;

/**
 * The on-disk half of local dedup: an append-only journal of the dedup keys of events TikTok ACCEPTED (or the dry
 * run wrote), so a restarted forwarder — after a graceful stop or a {@code kill -9} — still knows what it delivered.
 * That is what makes redelivery from a bus (a JMS/AMQP message, a file, an HTTP client that retries after a crash)
 * come out {@code deduplicated} instead of being sent to TikTok a second time.
 *
 * <p>Only delivered keys are written, never keys of events merely accepted: recording on entry would turn a crash
 * between entry and delivery into a loss (the redelivered event would be taken for a duplicate).
 *
 * <p>Format: fixed 24-byte records, big-endian: {@code long} epoch ms when delivered, then the 128-bit key hash
 * ({@link WindowedIdempotentRepository}'s, the first 16 bytes of SHA-256 of the dedup key) as two {@code long}s.
 * No personal data and no event ids in clear. A torn last record (a crash mid-write) is ignored on load.
 *
 * <p>Size bound: when the file holds {@code rotateAfter} records it becomes {@code <file>.old} (replacing the
 * previous one) and a new file starts, so at most two generations — {@code 2 × rotateAfter} records, 24 bytes
 * each — are kept; on load both are read and expired records skipped. Writes go to the OS without {@code fsync}:
 * they survive a killed process, not a power cut (then TikTok's own 48 h dedup by event_id still applies).
 * Thread-safe.
 */
public final class DeliveredKeyJournal implements AutoCloseable {

    /** Bytes per record: epoch ms + 128-bit key hash. */
    public static final int RECORD = 24;

    /** Receives the records read by {@link #load}. */
    @FunctionalInterface
    public interface Sink {
        /**
         * @param atMs epoch ms the key was delivered
         * @param hi   first 64 bits of the key hash
         * @param lo   next 64 bits
         */
        void accept(long atMs, long hi, long lo);
    }

    private final Path file;
    private final Path old;
    private final long rotateAfter;
    private final LongSupplier clock;
    private FileChannel out;
    private long records;

    /**
     * @param file        the journal file (its folder is created)
     * @param rotateAfter records per generation (the dedup store's max entries)
     * @param clock       epoch-ms clock
     */
    public DeliveredKeyJournal(Path file, long rotateAfter, LongSupplier clock) {
        this.file = file;
        this.old = file.resolveSibling(file.getFileName() + ".old");
        this.rotateAfter = Math.max(1, rotateAfter);
        this.clock = clock;
    }

    /** @return the journal file */
    public Path file() {
        return file;
    }

    /**
     * Reads both generations, oldest first, and opens the journal for appending.
     *
     * @param notBeforeMs records delivered before this epoch ms are skipped (outside the dedup window)
     * @param sink        receives every record kept
     * @return records kept
     * @throws IOException when the folder or the file cannot be read or created
     */
    public synchronized long load(long notBeforeMs, Sink sink) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        long kept = read(old, notBeforeMs, sink);
        long current = read(file, notBeforeMs, sink);
        kept += current;
        out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        long size = out.size();
        long whole = size - size % RECORD; // drop a torn last record
        out.truncate(whole);
        out.position(whole);
        records = whole / RECORD;
        return kept;
    }

    private static long read(Path f, long notBeforeMs, Sink sink) throws IOException {
        long kept = 0;
        try (FileChannel in = FileChannel.open(f, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(RECORD * 4096);
            while (true) {
                int read = in.read(buf);
                buf.flip();
                while (buf.remaining() >= RECORD) {
                    long at = buf.getLong();
                    long hi = buf.getLong();
                    long lo = buf.getLong();
                    if (at >= notBeforeMs) {
                        sink.accept(at, hi, lo);
                        kept++;
                    }
                }
                buf.compact();
                if (read < 0) {
                    break; // a torn last record (< 24 bytes) is left unread
                }
            }
        } catch (NoSuchFileException e) {
            return 0;
        }
        return kept;
    }

    /**
     * Appends delivered keys (one write call).
     *
     * @param hashes key hashes as pairs {@code hi, lo}, {@code 2 × n} longs
     * @param n      how many keys
     * @throws IOException when the write fails
     */
    public synchronized void append(long[] hashes, int n) throws IOException {
        if (out == null || n == 0) {
            return;
        }
        long now = clock.getAsLong();
        if (records + n > rotateAfter && records > 0) {
            rotate();
        }
        ByteBuffer buf = ByteBuffer.allocate(n * RECORD);
        for (int i = 0; i < n; i++) {
            buf.putLong(now).putLong(hashes[2 * i]).putLong(hashes[2 * i + 1]);
        }
        buf.flip();
        while (buf.hasRemaining()) {
            out.write(buf);
        }
        records += n;
    }

    private void rotate() throws IOException {
        out.close();
        Files.move(file, old, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        records = 0;
    }

    /** Closes the file (records already written stay). */
    @Override
    public synchronized void close() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
    }
}

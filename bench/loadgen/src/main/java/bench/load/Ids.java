package bench.load;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/** UUID-shaped ids, unique per run: random per-run high bits plus a counter. */
final class Ids {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private final long hi;
    private final AtomicLong counter = new AtomicLong();

    Ids(int workloadTag) {
        long r = new SecureRandom().nextLong();
        hi = (r & 0xffffffffffff0000L) | (workloadTag & 0xffff);
    }

    String next() {
        long n = counter.incrementAndGet();
        char[] c = new char[36];
        int p = 0;
        p = hex(c, p, hi >>> 32, 8); c[p++] = '-';
        p = hex(c, p, hi >>> 16, 4); c[p++] = '-';
        c[p++] = '4';
        p = hex(c, p, hi, 3); c[p++] = '-';
        c[p++] = 'a';
        p = hex(c, p, n >>> 48, 3); c[p++] = '-';
        hex(c, p, n, 12);
        return new String(c);
    }

    private static int hex(char[] c, int p, long v, int digits) {
        for (int i = digits - 1; i >= 0; i--) c[p + i] = HEX[(int) (v >>> (4 * (digits - 1 - i))) & 0xf];
        return p + digits;
    }
}

package io.polystore.bench.generator;

/** FNV-1a, 64 bit, over the eight bytes of a long: YCSB's key hash ({@code Utils.fnvhash64}). */
public final class Fnv {
    private static final long OFFSET = 0xCBF29CE484222325L;
    private static final long PRIME = 1099511628211L;

    private Fnv() {
    }

    /**
     * @param value a number
     * @return its FNV-1a hash
     */
    public static long hash64(long value) {
        long hash = OFFSET;
        for (int i = 0; i < 8; i++) {
            hash ^= value & 0xFF;
            hash *= PRIME;
            value >>>= 8;
        }
        return hash;
    }

    /**
     * @param value a number
     * @return YCSB's {@code fnvhash64}: the absolute value of the FNV-1a hash (negative only for
     *         {@code Long.MIN_VALUE}, as in YCSB)
     */
    public static long ycsb(long value) {
        return Math.abs(hash64(value));
    }
}

package io.polystore.bench.generator;

import java.util.SplittableRandom;

/**
 * YCSB's {@code zipfian} request distribution ({@code ScrambledZipfianGenerator}), draw for draw:
 * zipfian ranks over YCSB's fixed space of 10^10 items (with its precomputed zeta for the constant
 * 0.99), each rank hashed with {@link Fnv#ycsb} and taken modulo the item count. So the hottest
 * record gets {@code 1 / zeta(10^10, 0.99)} = 3.78 % of the requests whatever the record count, and
 * the popular records are spread over the key space. As in YCSB's {@code CoreWorkload}, the item
 * count includes the records the run expects to insert, and a draw beyond the records inserted so
 * far is drawn again.
 */
final class ScrambledZipfian implements KeyChooser {
    /** YCSB's {@code ScrambledZipfianGenerator.ITEM_COUNT}. */
    static final long ITEM_COUNT = 10_000_000_000L;
    /** YCSB's {@code ZETAN}: zeta(10^10, 0.99), precomputed there because summing it takes minutes. */
    static final double ZETAN = 26.46902820178302;
    /** The constant YCSB's precomputed zeta belongs to. */
    static final double YCSB_THETA = 0.99;

    private final Zipfian zipfian;
    private final long items;

    /**
     * @param items the records after loading plus those the run expects to insert
     * @param theta the zipfian constant
     */
    ScrambledZipfian(long items, double theta) {
        // YCSB builds ZipfianGenerator(0, ITEM_COUNT): max - min + 1 items
        this.zipfian = new Zipfian(ITEM_COUNT + 1, theta, theta == YCSB_THETA ? ZETAN : Double.NaN);
        this.items = Math.max(1, items);
    }

    @Override
    public long next(SplittableRandom random, long count) {
        while (true) {
            long index = Fnv.ycsb(zipfian.next(random)) % items;
            if (index < count) {
                return index;
            }
        }
    }
}

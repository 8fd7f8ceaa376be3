package io.polystore.bench.generator;

import java.util.SplittableRandom;

/**
 * YCSB's {@code zipfian} request distribution: zipfian popularity, with the popular records spread
 * over the key space (rank hashed with FNV-1a) rather than clustered at its start. Records inserted
 * after loading are chosen uniformly among themselves with the same weight as the tail.
 */
final class ScrambledZipfian implements KeyChooser {
    private final Zipfian zipfian;

    ScrambledZipfian(long records, double theta) {
        this.zipfian = new Zipfian(Math.max(1, records), theta);
    }

    @Override
    public long next(SplittableRandom random, long count) {
        long rank = zipfian.next(random);
        long index = Long.remainderUnsigned(Fnv.hash64(rank), zipfian.items());
        return index < count ? index : random.nextLong(count);
    }
}

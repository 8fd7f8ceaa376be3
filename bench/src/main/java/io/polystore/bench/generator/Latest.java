package io.polystore.bench.generator;

import java.util.SplittableRandom;

/** YCSB's {@code latest}: the most recently inserted records are the most popular (zipfian by age). */
final class Latest implements KeyChooser {
    private final Zipfian zipfian;

    Latest(long records, double theta) {
        this.zipfian = new Zipfian(Math.max(1, records), theta);
    }

    @Override
    public long next(SplittableRandom random, long count) {
        long age = zipfian.next(random);
        return age < count ? count - 1 - age : random.nextLong(count);
    }
}

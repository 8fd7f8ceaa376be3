package io.polystore.bench.generator;

import java.util.SplittableRandom;

/**
 * Chooses the index of the next record to operate on, in {@code [0, count)}, where {@code count}
 * is the number of records inserted so far. Implementations are thread-safe; each caller passes
 * its own random source.
 */
public interface KeyChooser {

    /**
     * @param random the calling thread's random source
     * @param count  records that exist now (at least 1)
     * @return an index in {@code [0, count)}
     */
    long next(SplittableRandom random, long count);

    /**
     * Builds the chooser a YCSB {@code requestdistribution} names.
     *
     * @param name          uniform, zipfian, latest or hotspot
     * @param records       the record count after loading, plus (zipfian) the records the run
     *                      expects to insert, as YCSB's {@code CoreWorkload} counts them
     * @param zipfianTheta  the zipfian constant (0.99 in YCSB)
     * @param hotsetFraction     hotspot: fraction of records that are hot
     * @param hotOpnFraction     hotspot: fraction of operations on hot records
     * @return the chooser
     * @throws IllegalArgumentException for an unknown name
     */
    static KeyChooser of(String name, long records, double zipfianTheta, double hotsetFraction, double hotOpnFraction) {
        return switch (name) {
            case "uniform" -> (random, count) -> random.nextLong(count);
            case "zipfian" -> new ScrambledZipfian(records, zipfianTheta);
            case "latest" -> new Latest(records, zipfianTheta);
            case "hotspot" -> new Hotspot(hotsetFraction, hotOpnFraction);
            default -> throw new IllegalArgumentException("requestdistribution must be uniform, zipfian, latest or hotspot, but was '"
                    + name + "'");
        };
    }
}

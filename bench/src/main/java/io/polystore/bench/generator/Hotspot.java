package io.polystore.bench.generator;

import java.util.SplittableRandom;

/** YCSB's {@code hotspot}: a fraction of the records (at the start) takes a fraction of the operations. */
final class Hotspot implements KeyChooser {
    private final double hotset;
    private final double hotOpn;

    Hotspot(double hotsetFraction, double hotOpnFraction) {
        if (hotsetFraction < 0 || hotsetFraction > 1 || hotOpnFraction < 0 || hotOpnFraction > 1) {
            throw new IllegalArgumentException("hotspot fractions must be between 0 and 1, but were " + hotsetFraction
                    + " and " + hotOpnFraction);
        }
        this.hotset = hotsetFraction;
        this.hotOpn = hotOpnFraction;
    }

    @Override
    public long next(SplittableRandom random, long count) {
        long hot = Math.max(1, (long) (count * hotset));
        if (random.nextDouble() < hotOpn || hot >= count) {
            return random.nextLong(hot);
        }
        return hot + random.nextLong(count - hot);
    }
}

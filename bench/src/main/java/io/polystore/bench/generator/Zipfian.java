package io.polystore.bench.generator;

import java.util.SplittableRandom;

/**
 * Zipfian ranks over {@code [0, items)}: rank 0 is the most popular, with probability
 * {@code 1 / (zeta(items, theta))}, rank {@code i} with {@code 1 / ((i + 1)^theta * zeta)}.
 * The algorithm of Gray et al., "Quickly Generating Billion-Record Synthetic Databases" (SIGMOD 1994),
 * as YCSB uses it. The item count is fixed; ranks never exceed it.
 */
public final class Zipfian {
    private final long items;
    private final double theta;
    private final double zetan;
    private final double alpha;
    private final double eta;
    private final double half;

    /**
     * @param items the number of items, at least 1
     * @param theta the skew, in (0, 1)
     */
    public Zipfian(long items, double theta) {
        this(items, theta, Double.NaN);
    }

    /**
     * @param items the number of items, at least 1
     * @param theta the skew, in (0, 1)
     * @param zetan {@code zeta(items, theta)} if already known (YCSB's constant for 10^10 items), else NaN
     */
    public Zipfian(long items, double theta, double zetan) {
        if (items < 1) {
            throw new IllegalArgumentException("items must be at least 1, but was " + items);
        }
        if (!(theta > 0 && theta < 1)) {
            throw new IllegalArgumentException("zipfian constant must be between 0 and 1 (exclusive), but was " + theta);
        }
        this.items = items;
        this.theta = theta;
        this.zetan = Double.isNaN(zetan) ? zeta(items, theta) : zetan;
        double zeta2 = zeta(Math.min(2, items), theta);
        this.alpha = 1.0 / (1.0 - theta);
        this.eta = (1 - Math.pow(2.0 / items, 1 - theta)) / (1 - zeta2 / this.zetan);
        this.half = 1 + Math.pow(0.5, theta);
    }

    /**
     * @param n     items
     * @param theta skew
     * @return {@code sum(1 / i^theta) for i in 1..n}
     */
    public static double zeta(long n, double theta) {
        long exact = Math.min(n, EXACT_TERMS);
        double sum = 0;
        for (long i = 1; i <= exact; i++) {
            sum += 1 / Math.pow(i, theta);
        }
        if (n > exact) {
            // Euler-Maclaurin for the tail (m, n] of f(x) = x^-theta: the integral, the end-point
            // correction and the first derivative term; beyond a million terms its error is below 1e-15
            double m = exact;
            double nn = n;
            sum += (Math.pow(nn, 1 - theta) - Math.pow(m, 1 - theta)) / (1 - theta)
                    + (Math.pow(nn, -theta) - Math.pow(m, -theta)) / 2
                    + (-theta * Math.pow(nn, -theta - 1) + theta * Math.pow(m, -theta - 1)) / 12;
        }
        return sum;
    }

    /** Terms of zeta summed one by one; the rest are integrated (YCSB's 10^10 items would take minutes). */
    private static final long EXACT_TERMS = 1_000_000;

    /** @return the number of items */
    public long items() {
        return items;
    }

    /** @return the normalising constant zeta(items, theta) */
    public double zetan() {
        return zetan;
    }

    /**
     * @param random a random source
     * @return a rank in {@code [0, items)}, 0 most often
     */
    public long next(SplittableRandom random) {
        double u = random.nextDouble();
        double uz = u * zetan;
        if (uz < 1.0) {
            return 0;
        }
        if (uz < half) {
            return Math.min(1, items - 1);
        }
        long rank = (long) (items * Math.pow(eta * u - eta + 1, alpha));
        return Math.min(rank, items - 1);
    }

    @Override
    public String toString() {
        return "Zipfian[items=" + items + ", theta=" + theta + "]";
    }
}

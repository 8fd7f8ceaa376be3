package io.polystore.bench;

import java.util.ArrayList;
import java.util.List;

/** The one statistic every command reports. */
public final class Args {
    private Args() {
    }

    /** @return the median, or NaN for no values */
    public static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}

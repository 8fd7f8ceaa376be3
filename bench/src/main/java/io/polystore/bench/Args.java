package io.polystore.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Command-line values and the one statistic every command reports, shared by the bench's commands. */
public final class Args {
    private Args() {
    }

    /**
     * @return the value as a positive whole number
     * @throws BenchException naming the option and the value otherwise
     */
    public static long positive(String option, String value) {
        try {
            long n = Long.parseLong(value.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new BenchException(option + " needs a positive whole number, not '" + value + "'");
    }

    /**
     * @param allowZero whether 0 is accepted (a warm-up that can be switched off)
     * @return whole seconds ({@code 10} or {@code 10s})
     * @throws BenchException naming the option and the value otherwise
     */
    public static Duration seconds(String option, String value, boolean allowZero) {
        String v = value.trim().replaceFirst("s$", "");
        if (allowZero && v.matches("0+")) {
            return Duration.ZERO;
        }
        try {
            return Duration.ofSeconds(positive(option, v));
        } catch (BenchException e) {
            throw new BenchException(option + " needs whole seconds (such as 10 or 10s), not '" + value + "'");
        }
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

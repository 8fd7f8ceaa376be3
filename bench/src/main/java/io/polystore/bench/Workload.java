package io.polystore.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * A workload definition with YCSB's property names. Built-in workloads {@code a}-{@code f} are
 * YCSB's core workloads; {@code w} is a write-only workload and {@code q} queries by content
 * (90 % {@code field0 = value}, 10 % updates). Immutable.
 *
 * @param name                 the workload's name
 * @param recordCount          records loaded before the run
 * @param operationCount       operations per measured round (when {@code duration} is 0)
 * @param fieldCount           fields per record (10)
 * @param fieldLength          characters per field
 * @param read                 proportion of reads
 * @param update               proportion of updates (whole-record saves)
 * @param insert               proportion of inserts
 * @param scan                 proportion of scans
 * @param readModifyWrite      proportion of read-modify-writes
 * @param query                proportion of by-content queries ({@code field0 = value}, not a YCSB core operation)
 * @param requestDistribution  uniform, zipfian, latest or hotspot
 * @param maxScanLength        longest scan
 * @param zipfianConstant      zipfian skew
 * @param hotspotDataFraction  hotspot: hot records
 * @param hotspotOpnFraction   hotspot: operations on hot records
 * @param threads              client threads
 * @param target               target operations per second for the whole run (0 = as fast as possible)
 * @param warmup               warm-up before each target's first round, excluded from results
 * @param duration             length of a measured round (0 = use operationCount)
 * @param rounds               measured rounds per target (alternating between targets)
 * @param batchSize            records per batch when loading
 * @param verify               read back and check every record after the run
 * @param queryIndexed         queries by {@code field0} with an index on it: {@code @Indexed} through the
 *                             API, an index by hand for the raw baseline
 */
public record Workload(String name, long recordCount, long operationCount, int fieldCount, int fieldLength,
                       double read, double update, double insert, double scan, double readModifyWrite, double query,
                       String requestDistribution, int maxScanLength, double zipfianConstant,
                       double hotspotDataFraction, double hotspotOpnFraction,
                       int threads, double target, Duration warmup, Duration duration, int rounds, int batchSize,
                       boolean verify, boolean queryIndexed) {

    /** Every property name a workload file or {@code -p} may set. */
    public static final Set<String> PROPERTIES = Set.of("recordcount", "operationcount", "fieldcount", "fieldlength",
            "readproportion", "updateproportion", "insertproportion", "scanproportion", "readmodifywriteproportion", "queryproportion",
            "requestdistribution", "maxscanlength", "scanlengthdistribution", "zipfianconstant", "hotspotdatafraction",
            "hotspotopnfraction", "threadcount", "target", "warmup", "duration", "rounds", "batchsize", "verify",
            "queryindexed");

    /**
     * Reads a built-in workload ({@code a}..{@code f}, {@code w}, {@code q}, or {@code workloada}..) or a
     * properties file, then applies overrides.
     *
     * @param nameOrFile a built-in name or a path
     * @param overrides  property overrides from the command line
     * @return the workload
     * @throws BenchException for an unknown workload, an unknown property or a bad value
     */
    public static Workload load(String nameOrFile, Map<String, String> overrides) {
        Properties p = new Properties();
        String name = nameOrFile;
        String builtin = nameOrFile.toLowerCase(Locale.ROOT).startsWith("workload") ? nameOrFile.toLowerCase(Locale.ROOT)
                : "workload" + nameOrFile.toLowerCase(Locale.ROOT);
        try (InputStream in = Workload.class.getResourceAsStream("/workloads/" + builtin)) {
            if (in != null) {
                p.load(in);
                name = builtin;
            } else {
                Path file = Path.of(nameOrFile);
                if (!Files.isRegularFile(file)) {
                    throw new BenchException("unknown workload '" + nameOrFile + "': not a built-in workload "
                            + "(a, b, c, d, e, f, w) and no such file");
                }
                try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    p.load(r);
                }
                name = file.getFileName().toString();
            }
        } catch (IOException e) {
            throw new BenchException("cannot read workload '" + nameOrFile + "': " + e.getMessage());
        }
        Map<String, String> all = new TreeMap<>();
        for (String k : p.stringPropertyNames()) {
            all.put(k, p.getProperty(k).trim());
        }
        all.putAll(overrides);
        for (String k : all.keySet()) {
            if (!PROPERTIES.contains(k)) {
                throw new BenchException("unknown workload property '" + k + "' (in " + name + " or -p); known: "
                        + new java.util.TreeSet<>(PROPERTIES));
            }
        }
        Values v = new Values(all, name);
        Workload w = new Workload(name, v.longValue("recordcount", 1000, 1), v.longValue("operationcount", 1000, 1),
                (int) v.longValue("fieldcount", 10, 10), (int) v.longValue("fieldlength", 100, 1),
                v.fraction("readproportion", 0.95), v.fraction("updateproportion", 0.05), v.fraction("insertproportion", 0),
                v.fraction("scanproportion", 0), v.fraction("readmodifywriteproportion", 0), v.fraction("queryproportion", 0),
                v.text("requestdistribution", "uniform"), (int) v.longValue("maxscanlength", 1000, 1),
                v.doubleValue("zipfianconstant", 0.99), v.fraction("hotspotdatafraction", 0.2), v.fraction("hotspotopnfraction", 0.8),
                (int) v.longValue("threadcount", 1, 1), v.doubleValue("target", 0), v.duration("warmup", Duration.ofSeconds(10)),
                v.duration("duration", Duration.ZERO), (int) v.longValue("rounds", 3, 1), (int) v.longValue("batchsize", 1000, 1),
                v.bool("verify"), v.bool("queryindexed"));
        if (w.fieldCount != 10) {
            throw new BenchException("fieldcount must be 10 (the benchmark record has ten fields), but was " + w.fieldCount);
        }
        double sum = w.read + w.update + w.insert + w.scan + w.readModifyWrite + w.query;
        if (Math.abs(sum - 1) > 1e-9) {
            throw new BenchException("the operation proportions of " + name + " must add up to 1, but add up to " + sum);
        }
        if (!Set.of("uniform", "zipfian", "latest", "hotspot").contains(w.requestDistribution)) {
            throw new BenchException("requestdistribution must be uniform, zipfian, latest or hotspot, but was '"
                    + w.requestDistribution + "'");
        }
        if (w.target < 0) {
            throw new BenchException("target must not be negative, but was " + w.target);
        }
        return w;
    }

    /** Typed access to property values with messages naming the property. */
    private record Values(Map<String, String> all, String source) {
        boolean bool(String key) {
            String t = text(key, "false").trim().toLowerCase(Locale.ROOT);
            if (!t.equals("true") && !t.equals("false")) {
                throw new BenchException(key + " must be true or false, but was '" + all.get(key) + "' (in " + source + " or -p)");
            }
            return t.equals("true");
        }

        String text(String key, String fallback) {
            return all.getOrDefault(key, fallback);
        }

        long longValue(String key, long fallback, long min) {
            String s = all.get(key);
            if (s == null) {
                return fallback;
            }
            try {
                long l = Long.parseLong(s.replace("_", ""));
                if (l < min) {
                    throw bad(key, s, "at least " + min);
                }
                return l;
            } catch (NumberFormatException e) {
                throw bad(key, s, "an integer");
            }
        }

        double doubleValue(String key, double fallback) {
            String s = all.get(key);
            if (s == null) {
                return fallback;
            }
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw bad(key, s, "a number");
            }
        }

        double fraction(String key, double fallback) {
            double d = doubleValue(key, fallback);
            if (d < 0 || d > 1) {
                throw bad(key, all.get(key), "between 0 and 1");
            }
            return d;
        }

        Duration duration(String key, Duration fallback) {
            String s = all.get(key);
            if (s == null) {
                return fallback;
            }
            try {
                return io.polystore.spi.StoreConfig.parseDuration(s);
            } catch (IllegalArgumentException e) {
                throw bad(key, s, "a duration such as 500ms, 10s or 2m");
            }
        }

        BenchException bad(String key, String value, String expected) {
            return new BenchException("workload property " + key + " (" + source + " or -p) must be " + expected
                    + ", but was '" + value + "'");
        }
    }
}

package io.polystore.bench;

import io.polystore.bench.generator.Fnv;
import io.polystore.bench.generator.KeyChooser;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a workload against targets: for each round and each target in turn (so that api and raw
 * alternate and share the machine's noise; the order flips every round), load the records in batches (timed), warm up, then run
 * the operation mix on N threads, recording each operation's latency in per-thread HdrHistograms.
 *
 * <p>Keys and field values are made before the timed path. With a target rate each thread follows a
 * fixed schedule; latency is then measured both from the actual start of an operation
 * (uncorrected) and from its intended start (corrected for coordinated omission).
 */
final class Runner {
    enum Op {
        READ, UPDATE, INSERT, SCAN, READ_MODIFY_WRITE, QUERY
    }

    private static final int VALUE_POOL = 4096;

    private final Workload w;
    /** every target of the run, which settle after each load */
    private List<Target> targets = List.of();
    private final PrintStream progress;
    private final String[] keys;
    private final String[][] valuePool;
    private final KeyChooser chooser;
    private final AtomicLong inserted = new AtomicLong();
    private final AtomicLong claimed = new AtomicLong();
    private final java.util.Set<Long> acked = new java.util.HashSet<>();
    private final List<String> warnings = new ArrayList<>();

    Runner(Workload workload, PrintStream progress) {
        this.w = workload;
        this.progress = progress;
        long headroom = w.insert() > 0 ? Math.min(2_000_000L, Math.max(100_000L, (long) (w.operationCount() * w.insert() * 2))) : 0;
        long total = w.recordCount() + headroom;
        if (total > Integer.MAX_VALUE - 8) {
            throw new BenchException("recordcount too large: " + w.recordCount());
        }
        this.keys = new String[(int) total];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = key(i);
        }
        SplittableRandom random = new SplittableRandom(20261123L);
        this.valuePool = new String[VALUE_POOL][];
        for (int i = 0; i < VALUE_POOL; i++) {
            String[] fields = new String[10];
            for (int f = 0; f < 10; f++) {
                fields[f] = randomText(random, w.fieldLength());
            }
            valuePool[i] = fields;
        }
        // YCSB's CoreWorkload: the zipfian space covers twice the inserts the operation count expects
        long expectedInserts = Math.min(headroom, (long) (w.operationCount() * w.insert() * 2));
        this.chooser = KeyChooser.of(w.requestDistribution(), w.recordCount() + ("zipfian".equals(w.requestDistribution())
                ? expectedInserts : 0), w.zipfianConstant(),
                w.hotspotDataFraction(), w.hotspotOpnFraction());
    }

    /** YCSB's hashed key order: {@code user} + {@code fnvhash64} of the record number. */
    static String key(long n) {
        return "user" + Fnv.ycsb(n);
    }

    private static String randomText(SplittableRandom random, int length) {
        char[] c = new char[length];
        for (int i = 0; i < length; i++) {
            c[i] = (char) (' ' + random.nextInt(95));
        }
        return new String(c);
    }

    /** The values of record n: deterministic when verifying, else from the pool. */
    private BenchRecord record(int n, SplittableRandom random) {
        String[] fields = w.verify() ? expectedFields(n) : valuePool[random.nextInt(VALUE_POOL)];
        return BenchRecord.of(keys[n], fields);
    }

    private String[] expectedFields(int n) {
        String[] base = valuePool[(int) Long.remainderUnsigned(Fnv.hash64(n), VALUE_POOL)];
        String[] out = base.clone();
        out[0] = keys[n] + out[0].substring(Math.min(out[0].length(), keys[n].length()));
        return out;
    }

    List<String> warnings() {
        return warnings;
    }

    /** Runs every round on every target, alternating. */
    List<Results.Round> run(List<Target> targets) {
        this.targets = List.copyOf(targets);
        List<Results.Round> rounds = new ArrayList<>();
        for (int r = 1; r <= w.rounds(); r++) {
            // ABBA order: whoever goes first in a round does not always inherit the other's aftermath
            List<Target> order = new ArrayList<>(targets);
            if (r % 2 == 0) {
                java.util.Collections.reverse(order);
            }
            for (Target t : order) {
                rounds.add(round(t, r));
            }
        }
        return rounds;
    }

    private Results.Round round(Target target, int round) {
        String label = target.kind() + " round " + round + "/" + w.rounds();
        if (round == 1 && !w.warmup().isZero()) {
            load(target, round); // a first load warms the load path up; it is not measured
        }
        double loadSeconds = load(target, round);
        double loadRate = w.recordCount() / loadSeconds;
        progress.printf("[%s] loaded %d records in %.2f s (%.0f records/s)%n", label, w.recordCount(), loadSeconds, loadRate);
        for (Target t : targets) { // round() runs only inside run(), which set them
            t.settle();
        }
        inserted.set(w.recordCount());
        claimed.set(w.recordCount());
        synchronized (acked) {
            acked.clear();
        }

        Duration warmup = round == 1 ? w.warmup() : w.warmup().dividedBy(5);
        if (!warmup.isZero()) {
            measure(target, label + " warm-up", warmup, 0, false);
        }
        Measured m = measure(target, label, w.duration(), w.operationCount(), true);
        if (w.verify()) {
            verify(target, label, m.errors);
        }
        Map<String, Results.Latency> latency = new LinkedHashMap<>();
        Map<String, Results.Latency> corrected = new LinkedHashMap<>();
        m.uncorrected.forEach((op, h) -> latency.put(op.name().toLowerCase(), Results.Latency.of(h)));
        m.corrected.forEach((op, h) -> corrected.put(op.name().toLowerCase(), Results.Latency.of(h)));
        if (m.cpu > 0.9) {
            warnings.add(label + ": the benchmark JVM used " + Math.round(m.cpu * 100)
                    + "% of all cores; the client may be the bottleneck");
        }
        return new Results.Round(target.kind(), round, w.recordCount(), loadRate, m.ops, m.seconds, m.ops / m.seconds,
                latency, corrected, new TreeMap<>(m.errors), m.perSecond, m.cpu, m.cpuMicrosPerOperation);
    }

    /** Clears the target and loads every record in batches; returns the seconds the loading took. */
    private double load(Target target, int round) {
        target.clear();
        SplittableRandom random = new SplittableRandom(round);
        List<List<BenchRecord>> batches = new ArrayList<>();
        List<BenchRecord> batch = new ArrayList<>(w.batchSize());
        for (int i = 0; i < w.recordCount(); i++) {
            batch.add(record(i, random));
            if (batch.size() == w.batchSize()) {
                batches.add(batch);
                batch = new ArrayList<>(w.batchSize());
            }
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        long start = System.nanoTime();
        for (List<BenchRecord> b : batches) {
            target.insertBatch(b);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private void verify(Target target, String label, Map<String, Long> errors) {
        long bad = 0;
        for (int i = 0; i < inserted.get() && i < keys.length; i++) {
            BenchRecord r = target.read(keys[i]);
            if (r == null || !Arrays.equals(r.fields(), expectedFields(i))) {
                bad++;
            }
        }
        progress.printf("[%s] verify: %d of %d records wrong or missing%n", label, bad, inserted.get());
        if (bad > 0) {
            errors.merge("VerifyFailed", bad, Long::sum);
        }
    }

    /** What one measured period produced. */
    private static final class Measured {
        long ops;
        double seconds;
        double cpu;
        double cpuMicrosPerOperation;
        final Map<Op, Histogram> uncorrected = new TreeMap<>();
        final Map<Op, Histogram> corrected = new TreeMap<>();
        final Map<String, Long> errors = new ConcurrentHashMap<>();
        final List<Long> perSecond = new ArrayList<>();
    }

    private Measured measure(Target target, String label, Duration duration, long operations, boolean record) {
        int threads = w.threads();
        Measured m = new Measured();
        LongAdder done = new LongAdder();
        AtomicLong remaining = new AtomicLong(duration.isZero() ? operations : Long.MAX_VALUE);
        long deadline = duration.isZero() ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        double perThreadRate = w.target() > 0 ? w.target() / threads : 0;
        long intervalNanos = perThreadRate > 0 ? (long) (1e9 / perThreadRate) : 0;
        List<Map<Op, Histogram>> threadUncorrected = new ArrayList<>();
        List<Map<Op, Histogram>> threadCorrected = new ArrayList<>();
        CountDownLatch finished = new CountDownLatch(threads);
        long cpuStart = processCpuNanos();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            Map<Op, Histogram> unc = new TreeMap<>();
            Map<Op, Histogram> cor = new TreeMap<>();
            threadUncorrected.add(unc);
            threadCorrected.add(cor);
            SplittableRandom random = new SplittableRandom(Fnv.hash64(t * 7919L + label.hashCode()));
            Thread thread = new Thread(() -> {
                try {
                    long i = 0;
                    while (remaining.getAndDecrement() > 0) {
                        long intended = intervalNanos > 0 ? start + i * intervalNanos : 0;
                        i++;
                        if (intended > 0) {
                            long wait;
                            while ((wait = intended - System.nanoTime()) > 0) {
                                LockSupport.parkNanos(wait);
                            }
                        }
                        long now = System.nanoTime();
                        if (now >= deadline) {
                            break;
                        }
                        Op op = chooseOp(random);
                        try {
                            execute(target, op, random);
                        } catch (RuntimeException e) {
                            m.errors.merge(e.getClass().getSimpleName(), 1L, Long::sum);
                        }
                        long end = System.nanoTime();
                        unc.computeIfAbsent(op, o -> new Histogram(3)).recordValue(end - now);
                        cor.computeIfAbsent(op, o -> new Histogram(3)).recordValue(end - (intended > 0 ? intended : now));
                        done.increment();
                    }
                } finally {
                    finished.countDown();
                }
            }, "bench-" + target.kind() + "-" + t);
            thread.setDaemon(true);
            thread.start();
        }
        long last = 0;
        long nextTick = start + 1_000_000_000L;
        try {
            while (!finished.await(Math.max(1, nextTick - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS)) {
                long now = done.sum();
                m.perSecond.add(now - last);
                double elapsed = (System.nanoTime() - start) / 1e9;
                String eta = duration.isZero()
                        ? String.format("%.0f s", elapsed * (Math.max(0, operations - now)) / Math.max(1, now))
                        : String.format("%.0f s", Math.max(0, (deadline - System.nanoTime()) / 1e9));
                progress.printf("[%s] %.0f s: %d ops, %d ops/s now, ETA %s%n", label, elapsed, now, now - last, eta);
                last = now;
                nextTick += 1_000_000_000L;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        long end = System.nanoTime();
        m.ops = done.sum();
        m.seconds = (end - start) / 1e9;
        int cores = Runtime.getRuntime().availableProcessors();
        long cpuNanos = cpuStart < 0 ? -1 : processCpuNanos() - cpuStart;
        m.cpu = cpuNanos < 0 ? -1 : cpuNanos / ((end - start) * (double) cores);
        m.cpuMicrosPerOperation = cpuNanos < 0 || m.ops == 0 ? Double.NaN : cpuNanos / 1e3 / m.ops;
        if (record) {
            for (int t = 0; t < threads; t++) {
                merge(m.uncorrected, threadUncorrected.get(t));
                merge(m.corrected, threadCorrected.get(t));
            }
            progress.printf("[%s] %d ops in %.2f s: %.0f ops/s%s%n", label, m.ops, m.seconds, m.ops / m.seconds,
                    m.errors.isEmpty() ? "" : ", errors " + m.errors);
        }
        return m;
    }

    private static void merge(Map<Op, Histogram> into, Map<Op, Histogram> from) {
        from.forEach((op, h) -> into.computeIfAbsent(op, o -> new Histogram(3)).add(h));
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    private Op chooseOp(SplittableRandom random) {
        double d = random.nextDouble();
        if ((d -= w.read()) < 0) {
            return Op.READ;
        }
        if ((d -= w.update()) < 0) {
            return Op.UPDATE;
        }
        if ((d -= w.insert()) < 0) {
            return Op.INSERT;
        }
        if ((d -= w.scan()) < 0) {
            return Op.SCAN;
        }
        if ((d -= w.query()) < 0) {
            return Op.QUERY;
        }
        return w.readModifyWrite() > 0 ? Op.READ_MODIFY_WRITE : Op.READ;
    }

    /**
     * Marks insert n done and advances {@code inserted} over the contiguous prefix of finished
     * inserts, so that reads only choose records whose insert has completed (YCSB's acknowledged counter).
     */
    private void acknowledge(long n) {
        synchronized (acked) {
            acked.add(n);
            long next = inserted.get();
            while (acked.remove(next)) {
                next++;
            }
            inserted.set(next);
        }
    }

    private int existingKey(SplittableRandom random) {
        long count = Math.min(inserted.get(), keys.length);
        return (int) chooser.next(random, count);
    }

    private void execute(Target target, Op op, SplittableRandom random) {
        switch (op) {
            case READ -> {
                if (target.read(keys[existingKey(random)]) == null) {
                    throw new MissingRecordException();
                }
            }
            case UPDATE -> target.write(record(existingKey(random), random));
            case INSERT -> {
                long n = claimed.getAndIncrement();
                if (n >= keys.length) {
                    throw new IllegalStateException("insert key space exhausted");
                }
                target.write(record((int) n, random));
                acknowledge(n);
            }
            case SCAN -> target.scan(keys[existingKey(random)], 1 + random.nextInt(w.maxScanLength()));
            // a value some records hold (the pool is shared, ~recordcount/4096 records each; none under verify)
            case QUERY -> {
                String value = valuePool[random.nextInt(VALUE_POOL)][0];
                for (BenchRecord r : target.query("field0", value)) {
                    if (!value.equals(r.field0())) {
                        throw new WrongAnswerException();
                    }
                }
            }
            case READ_MODIFY_WRITE -> {
                int k = existingKey(random);
                if (target.read(keys[k]) == null) {
                    throw new MissingRecordException();
                }
                target.write(record(k, random));
            }
        }
    }

    /** A read found no record where one was loaded. */
    static final class MissingRecordException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MissingRecordException() {
            super("record missing", null, false, false);
        }
    }

    /** A query returned a record that does not match it. */
    static final class WrongAnswerException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        WrongAnswerException() {
            super("query answer does not match the query", null, false, false);
        }
    }

    static String machine() {
        Runtime rt = Runtime.getRuntime();
        return rt.availableProcessors() + " cores, " + (rt.maxMemory() >> 20) + " MiB max heap, Java "
                + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + "), "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", " + Instant.now();
    }
}

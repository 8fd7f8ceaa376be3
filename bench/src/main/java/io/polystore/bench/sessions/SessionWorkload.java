package io.polystore.bench.sessions;

import io.polystore.IndexMaintenance;
import io.polystore.bench.Args;
import io.polystore.bench.BenchException;
import io.polystore.bench.Mixed;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The TTL-heavy session workload: each thread logs users in (10 %), looks sessions up (70 %),
 * touches them to extend their expiry (15 %) and logs out (5 %), on sessions that expire after
 * {@code --ttl} (seconds, short on purpose, so that expiry runs all through the measurement). A
 * lookup checks what it finds against what the thread knows: a session found after its expiry
 * ({@code stale}) or missing before it ({@code lost}) is an error. Rounds alternate between the
 * targets; after the run the API's indexes are verified (zero drift expected).
 */
public final class SessionWorkload {
    /** Options of the {@code sessions} command. */
    public record Options(String store, List<String> targets, Map<String, String> storeOptions, int threads,
            Duration duration, Duration warmup, int rounds, Duration ttl, int users, Path out) {
    }

    private static final String[] OPS = {"login", "lookup", "touch", "logout"};
    /** expiry is measured against clocks and a Redis that expire keys within a few ms: allow this much */
    private static final long GRACE_MILLIS = 250;

    private SessionWorkload() {
    }

    /**
     * @return the sessions command's options
     * @throws BenchException for a missing store or a baseline the store has not
     */
    public static Options options(Mixed.Common c, Duration ttl, int users) {
        if (c.store() == null) {
            throw new BenchException("sessions needs --store (redis://host:port, or mem: for the API alone)");
        }
        if (c.targets().contains("raw") && !c.store().startsWith("redis://")) {
            throw new BenchException("the raw sessions baseline is Lettuce on redis://; '" + c.store() + "' has none");
        }
        return new Options(c.store(), c.targets(), c.storeOptions(), c.threads(), c.duration(), c.warmup(), c.rounds(), ttl,
                users, c.out());
    }

    /** What a thread knows of a session it made. */
    private static final class Known {
        final String id;
        final String userId;
        volatile long expiresAt;
        volatile boolean loggedOut;

        Known(String id, String userId, long expiresAt) {
            this.id = id;
            this.userId = userId;
            this.expiresAt = expiresAt;
        }
    }

    public static Path run(Options o, PrintStream out, PrintStream err) throws Exception {
        Map<String, SessionTarget> targets = new LinkedHashMap<>();
        try {
            for (String t : o.targets()) {
                targets.put(t, t.equals("api") ? new SessionTarget.Api(o.store(), o.storeOptions())
                        : new SessionTarget.RawLettuce(o.store()));
            }
            out.printf("sessions: %s, %d threads, %d s x %d rounds after %d s warm-up each, TTL %d s, %d users, targets %s%n",
                    redact(o.store()), o.threads(), o.duration().toSeconds(), o.rounds(), o.warmup().toSeconds(),
                    o.ttl().toSeconds(), o.users(), targets.keySet());
            String data = "x".repeat(200);
            Map<String, Mixed.Target> mixes = new LinkedHashMap<>();
            targets.forEach((name, target) -> mixes.put(name, (thread, round) -> worker(target, o, data, thread, round)));
            Map<String, List<Mixed.Round>> rounds = Mixed.alternate(mixes, o.threads(), o.duration(), o.warmup(), o.rounds(),
                    "sessions", err);
            // let everything written expire, then look for index entries expiry left behind
            Thread.sleep(o.ttl().toMillis() + 1500);
            IndexMaintenance.Report drift = targets.containsKey("api") ? targets.get("api").verify() : null;
            return report(o, rounds, drift, out);
        } finally {
            for (SessionTarget t : targets.values()) {
                t.close();
            }
        }
    }

    /** One thread's logins, lookups, touches and logouts; a lookup checks what it finds against what the thread knows. */
    private static Mixed.Worker worker(SessionTarget target, Options o, String data, int thread, int roundNo) {
        Known[] recent = new Known[512];
        int[] made = {0};
        long ttl = o.ttl().toMillis();
        String prefix = target.kind() + "-" + roundNo + "-" + thread + "-";
        return (random, m) -> {
            double p = random.nextDouble();
            String op = made[0] == 0 || p < 0.10 ? "login" : p < 0.80 ? "lookup" : p < 0.95 ? "touch" : "logout";
            switch (op) {
                case "login" -> {
                    long expires = System.currentTimeMillis() + ttl;
                    Known k = new Known(prefix + made[0], "user" + random.nextInt(o.users()), expires);
                    target.save(new BenchSession(k.id, k.userId, data, Instant.ofEpochMilli(expires)));
                    recent[made[0]++ % recent.length] = k;
                }
                case "lookup" -> {
                    Known k = recent[random.nextInt(Math.min(made[0], recent.length))];
                    BenchSession s = target.find(k.id);
                    long now = System.currentTimeMillis();
                    if (s != null && (k.loggedOut || now > k.expiresAt + GRACE_MILLIS)) {
                        m.count("error:stale");
                    } else if (s == null && !k.loggedOut && now < k.expiresAt - GRACE_MILLIS) {
                        m.count("error:lost");
                    } else if (s == null) {
                        m.count("lookup:gone");
                    } else {
                        m.count("lookup:found");
                    }
                }
                case "touch" -> {
                    Known k = recent[random.nextInt(Math.min(made[0], recent.length))];
                    if (!k.loggedOut) {
                        long expires = System.currentTimeMillis() + ttl;
                        target.save(new BenchSession(k.id, k.userId, data, Instant.ofEpochMilli(expires)));
                        k.expiresAt = expires;
                    }
                }
                default -> {
                    Known k = recent[random.nextInt(Math.min(made[0], recent.length))];
                    k.loggedOut = true;
                    target.delete(k.id, k.userId);
                }
            }
            return op;
        };
    }

    private static Path report(Options o, Map<String, List<Mixed.Round>> rounds, IndexMaintenance.Report drift, PrintStream out)
            throws IOException {
        StringBuilder json = new StringBuilder("{\n  \"benchmark\": \"sessions\",\n  \"time\": \"").append(Instant.now())
                .append("\",\n  \"store\": \"").append(redact(o.store())).append("\",\n  \"threads\": ").append(o.threads())
                .append(",\n  \"ttlSeconds\": ").append(o.ttl().toSeconds()).append(",\n  \"rounds\": ").append(o.rounds())
                .append(",\n");
        Mixed.report(List.of(OPS), rounds, json, out);
        if (drift != null) {
            out.printf("index check after expiry: %d sessions, %d missing and %d stale index entries%n", drift.entities(),
                    drift.missing(), drift.stale());
            json.append(",\n  \"indexDrift\": {\"entities\": ").append(drift.entities()).append(", \"missing\": ")
                    .append(drift.missing()).append(", \"stale\": ").append(drift.stale()).append("}");
        }
        json.append("\n}\n");
        Files.createDirectories(o.out());
        Path file = o.out().resolve("sessions-" + Instant.now().toString().replace(":", "") + ".json");
        Files.writeString(file, json.toString());
        return file;
    }

    private static String redact(String uri) {
        return io.polystore.spi.Redaction.uri(uri);
    }
}

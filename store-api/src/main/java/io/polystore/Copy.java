package io.polystore;

import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.polystore.mapping.EntityModel;
import io.polystore.query.Cursor;
import io.polystore.query.Page;
import io.polystore.query.Query;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Moves every entity of one type from one store to another ({@link Polystore#copy}): reads the
 * source in id order with the keyset cursor, a page at a time, and writes each page with the
 * target's batch path ({@link Repository#importAll}: ids, versions and expiry kept). After each
 * written page it reports a {@link Progress} whose {@link Progress#checkpoint() checkpoint} resumes
 * the copy after an interruption. Then it verifies: both sides are read again in id order and
 * compared by count and by a SHA-256 of every entity's canonical JSON. With
 * {@link Options#deleteSource()} the copied entities leave the source only once the verification
 * passed.
 *
 * <p>The type should be quiet while it moves (writes to the source during the copy may be missed, and
 * fail the verification); entities that expire during the copy can fail it too, and the report says
 * so. Nothing is deleted from the target: copying into a store that already holds entities of the
 * type replaces those with the same ids and keeps the others, which the verification then reports.
 */
public final class Copy {
    private static final ObjectWriter CANONICAL = JsonMapper.builder()
            .addModule(new JavaTimeModule()).addModule(new Jdk8Module()).addModule(new io.polystore.internal.ValueTypesModule())
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build().writer();

    private Copy() {
    }

    /**
     * How to copy.
     *
     * @param batchSize    entities per page read and per batch written (default 500)
     * @param resumeFrom   a {@link Progress#checkpoint()} of an interrupted copy, or null to start at the beginning
     * @param verify       whether to compare both sides afterwards (default true)
     * @param deleteSource whether to delete the copied entities from the source once verified (default false)
     * @param progress     called after each written batch (and once at the end), or null
     */
    public record Options(int batchSize, String resumeFrom, boolean verify, boolean deleteSource, Consumer<Progress> progress) {
        /**
         * @param batchSize    entities per page read and per batch written (default 500)
         * @param resumeFrom   a {@link Progress#checkpoint()} of an interrupted copy, or null to start at the beginning
         * @param verify       whether to compare both sides afterwards (default true)
         * @param deleteSource whether to delete the copied entities from the source once verified (default false)
         * @param progress     called after each written batch (and once at the end), or null
         * @throws IllegalArgumentException for a batch size outside 1 to 100 000, or deleting the source without verifying
         */
        public Options {
            if (batchSize < 1 || batchSize > 100_000) {
                throw new IllegalArgumentException("batch size must be 1 to 100 000, but was " + batchSize);
            }
            if (deleteSource && !verify) {
                throw new IllegalArgumentException("deleteSource needs verify: the source is deleted only after a passed verification");
            }
        }

        /** @return 500 per batch, verified, source kept, no progress listener */
        public static Options defaults() {
            return new Options(500, null, true, false, null);
        }

        /**
         * @param n entities per batch
         * @return a copy with it
         */
        public Options batchSize(int n) {
            return new Options(n, resumeFrom, verify, deleteSource, progress);
        }

        /**
         * @param checkpoint where an interrupted copy stopped ({@link Progress#checkpoint()}), or null
         * @return a copy with it
         */
        public Options resumeFrom(String checkpoint) {
            return new Options(batchSize, checkpoint, verify, deleteSource, progress);
        }

        /**
         * @param on whether to verify
         * @return a copy with it
         */
        public Options verify(boolean on) {
            return new Options(batchSize, resumeFrom, on, deleteSource, progress);
        }

        /**
         * @param on whether to delete the source's entities after a passed verification
         * @return a copy with it
         */
        public Options deleteSource(boolean on) {
            return new Options(batchSize, resumeFrom, verify || on, on, progress);
        }

        /**
         * @param listener called after each batch
         * @return a copy with it
         */
        public Options progress(Consumer<Progress> listener) {
            return new Options(batchSize, resumeFrom, verify, deleteSource, listener);
        }
    }

    /**
     * Where a copy stands.
     *
     * @param phase      {@code "copy"}, {@code "verify"}, {@code "delete"} or {@code "done"}
     * @param done       entities handled in this phase so far (copied, compared, deleted)
     * @param total      the source's count when the copy started (an estimate: the source may change)
     * @param checkpoint the cursor after the last written batch: pass it to {@link Options#resumeFrom} to
     *                   continue an interrupted copy; null before the first batch
     * @param elapsed    time since the copy started
     */
    public record Progress(String phase, long done, long total, String checkpoint, Duration elapsed) {
        /** @return entities per second in this phase so far */
        public double rate() {
            double s = elapsed.toNanos() / 1e9;
            return s <= 0 ? 0 : done / s;
        }
    }

    /**
     * What a copy did.
     *
     * @param copied         entities written to the target by this run
     * @param sourceCount    entities in the source at verification (-1 when not verified)
     * @param targetCount    entities in the target at verification (-1 when not verified)
     * @param sourceChecksum SHA-256 of the source's entities in id order (null when not verified)
     * @param targetChecksum the same of the target
     * @param verified       whether both sides hold the same entities
     * @param mismatch       the first id found different on the two sides, or null
     * @param deleted        entities deleted from the source
     * @param elapsed        how long it took
     */
    public record Report(long copied, long sourceCount, long targetCount, String sourceChecksum, String targetChecksum,
                         boolean verified, String mismatch, long deleted, Duration elapsed) {
    }

    /**
     * Runs a copy; see the class description.
     *
     * @param type    the entity type
     * @param from    the source store
     * @param to      the target store
     * @param options how
     * @param <T>     the entity type
     * @return what it did
     * @throws IllegalArgumentException if the stores are the same one
     * @throws VerificationException    if the verification found the two sides different (nothing is
     *                                  deleted then); it carries the report
     */
    public static <T> Report run(Class<T> type, Store from, Store to, Options options) {
        Objects.requireNonNull(options, "options");
        if (from == to) {
            throw new IllegalArgumentException("copy of " + type.getName() + ": source and target are the same store '" + from.name() + "'");
        }
        EntityModel<T> model = EntityModel.of(type);
        Repository<T, Object> source = from.repository(model);
        Repository<T, Object> target = to.repository(model);
        long start = System.nanoTime();
        long total = source.count();
        Query all = Query.all().limit(options.batchSize());
        Query q = options.resumeFrom() == null ? all : all.after(Cursor.decode(options.resumeFrom()));
        long copied = 0;
        String checkpoint = options.resumeFrom();
        List<Object> ids = new ArrayList<>();
        while (true) {
            Page<T> page = source.find(q);
            if (!page.content().isEmpty()) {
                target.importAll(page.content());
                copied += page.content().size();
                if (options.deleteSource()) {
                    for (T e : page.content()) {
                        ids.add(model.idOf(e));
                    }
                }
            }
            if (page.next().isEmpty()) {
                break;
            }
            checkpoint = page.next().get().encode();
            report(options, "copy", copied, total, checkpoint, start);
            q = all.after(page.next().get());
        }
        report(options, "copy", copied, total, checkpoint, start);
        if (!options.verify()) {
            report(options, "done", copied, total, checkpoint, start);
            return new Report(copied, -1, -1, null, null, false, null, 0, since(start));
        }
        Side s = side(source, model, options, "verify", total, start);
        Side t = side(target, model, null, null, total, start);
        String mismatch = s.firstDifference(t);
        boolean same = s.count == t.count && s.checksum.equals(t.checksum);
        Report report = new Report(copied, s.count, t.count, s.checksum, t.checksum, same, same ? null : mismatch, 0, since(start));
        if (!same) {
            throw new VerificationException(model.name() + ": the copy from '" + from.name() + "' to '" + to.name()
                    + "' differs: source " + s.count + " entities (" + s.checksum.substring(0, 12) + "…), target " + t.count
                    + " (" + t.checksum.substring(0, 12) + "…)" + (mismatch == null ? "" : "; first different id: " + mismatch)
                    + (model.expires().isPresent() ? "; entities that expired during the copy also count" : "")
                    + (options.deleteSource() ? "; nothing was deleted from the source" : ""), report);
        }
        long deleted = 0;
        if (options.deleteSource()) {
            if (options.resumeFrom() != null) {
                // entities copied by the interrupted run are in the target and verified: delete them too
                ids.clear();
                source.stream(Query.all()).forEach(e -> ids.add(model.idOf(e)));
            }
            for (int i = 0; i < ids.size(); i += options.batchSize()) {
                deleted += source.deleteAllById(ids.subList(i, Math.min(ids.size(), i + options.batchSize())));
                report(options, "delete", deleted, ids.size(), checkpoint, start);
            }
        }
        report(options, "done", copied, total, checkpoint, start);
        return new Report(copied, s.count, t.count, s.checksum, t.checksum, true, null, deleted, since(start));
    }

    private static void report(Options options, String phase, long done, long total, String checkpoint, long start) {
        if (options.progress() != null) {
            options.progress().accept(new Progress(phase, done, total, checkpoint, since(start)));
        }
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** One side's count and checksum, and a digest per entity to find the first difference. */
    private static final class Side {
        long count;
        String checksum;
        final List<String[]> entries = new ArrayList<>();   // id and the entity's digest, kept up to 100 000

        String firstDifference(Side other) {
            int n = Math.min(entries.size(), other.entries.size());
            for (int i = 0; i < n; i++) {
                String[] a = entries.get(i);
                String[] b = other.entries.get(i);
                if (!a[0].equals(b[0])) {
                    return a[0].compareTo(b[0]) < 0 ? a[0] : b[0];
                }
                if (!a[1].equals(b[1])) {
                    return a[0];
                }
            }
            if (entries.size() != other.entries.size() && n < 100_000) {
                return (entries.size() > n ? entries : other.entries).get(n)[0];
            }
            return null;
        }
    }

    private static <T> Side side(Repository<T, Object> repository, EntityModel<T> model, Options options, String phase, long total,
                                 long start) {
        MessageDigest all = sha256();
        Side side = new Side();
        int every = options == null ? 1000 : options.batchSize();
        // one pass in id order: a stream reads lazily where the store can (pages of a relational or
        // graph store; on Redis the sorted ids once and the documents as they are consumed), so a
        // side costs one read of the type, not one per page
        try (java.util.stream.Stream<T> entities = repository.stream(Query.all())) {
            java.util.Iterator<T> it = entities.iterator();
            while (it.hasNext()) {
                T e = it.next();
                byte[] json;
                try {
                    json = CANONICAL.writeValueAsBytes(e);
                } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
                    throw new MappingException(model.name() + ": cannot write an entity for the checksum: " + ex.getMessage(), ex);
                }
                all.update(json);
                all.update((byte) '\n');
                side.count++;
                if (side.entries.size() < 100_000) {
                    side.entries.add(new String[]{model.idToString(model.idOf(e)), HexFormat.of().formatHex(sha256().digest(json))});
                }
                if (options != null && side.count % every == 0) {
                    report(options, phase, side.count, total, null, start);
                }
            }
        }
        if (options != null) {
            report(options, phase, side.count, total, null, start);
        }
        side.checksum = HexFormat.of().formatHex(all.digest());
        return side;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The two sides of a copy differ; nothing was deleted from the source. */
    public static final class VerificationException extends StoreException {
        private final transient Report report;

        VerificationException(String message, Report report) {
            super(message);
            this.report = report;
        }

        /** @return what the copy did and found */
        public Report report() {
            return report;
        }
    }
}

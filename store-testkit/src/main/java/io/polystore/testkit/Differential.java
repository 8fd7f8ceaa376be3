package io.polystore.testkit;

import io.polystore.Repository;
import io.polystore.Store;
import io.polystore.Transactional;
import io.polystore.mapping.EntityModel;
import io.polystore.query.Criteria;
import io.polystore.query.Cursor;
import io.polystore.query.Page;
import io.polystore.query.Query;
import io.polystore.query.Sort;
import io.polystore.testkit.model.Address;
import io.polystore.testkit.model.Ledger;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The differential test: seeded random sequences of repository operations run on the in-memory
 * reference store and on a store under test, every answer compared. On the first difference the
 * sequence is shrunk to a short one that still shows a difference, and printed as Java code.
 *
 * <pre>{@code
 * Differential.Report r = Differential.run(memStore, myStore, unsupportedFeatures, seed, 500);
 * }</pre>
 *
 * <p>What it covers: every {@link Repository} method; saves and deletes with current, stale,
 * new and negative versions; batches with duplicates and conflicts; every {@link Criteria}
 * operator (nested paths, {@code isNull} on lists and records, {@code contains}, {@code not}) with
 * hostile and extreme operands; multi-key sorts with limits, each query paged to the end with
 * cursors that travel as tokens ({@link Cursor#encode()}), compared page by page; streams and counts.
 * Features a store declares unsupported are not generated (the conformance suite checks that they
 * are refused). When the store under test has no {@link Transactional} capability a batch that
 * fails may be partly written; the test then deletes the batch's ids on both stores and goes on.
 *
 * <p>Not thread-safe; one run at a time per pair of stores. Each run starts by deleting every
 * {@link Ledger} in both stores.
 */
public final class Differential {

    /** The result of a run with no difference. */
    public record Report(long seed, int operations, int queries, int pages, int refusals) {
    }

    private static final int MAX_PAGES = 200;
    private static final int MAX_REPLAYS = 400;

    private final Repository<Ledger, String> reference;
    private final Repository<Ledger, String> subject;
    private final Set<Feature> unsupported;
    private final boolean atomicBatches;
    private int queries;
    private int pages;
    private int refusals;

    private Differential(Store reference, Store subject, Set<Feature> unsupported) {
        this.reference = reference.repository(EntityModel.of(Ledger.class));
        this.subject = subject.repository(EntityModel.of(Ledger.class));
        this.unsupported = Set.copyOf(unsupported);
        this.atomicBatches = subject.capabilities().contains(Transactional.class);
    }

    /**
     * Runs one seeded sequence.
     *
     * @param reference  the in-memory store
     * @param subject    the store under test
     * @param unsupported features the subject lacks (not generated)
     * @param seed       the random seed; the same seed gives the same sequence
     * @param operations how many operations to run
     * @return what ran
     * @throws AssertionError on the first difference, with the seed, the answers and a shrunk reproduction as Java code
     */
    public static Report run(Store reference, Store subject, Set<Feature> unsupported, long seed, int operations) {
        Differential d = new Differential(reference, subject, unsupported);
        Generator g = new Generator(new Random(seed), d.unsupported, d.reference);
        List<Op> done = new ArrayList<>();
        d.reset();
        for (int i = 0; i < operations; i++) {
            Op op = g.next();
            done.add(op);
            Optional<Mismatch> m = d.step(op);
            if (m.isPresent()) {
                List<Op> shrunk = d.shrink(done);
                Mismatch last = d.replay(shrunk).orElse(m.get());
                throw new AssertionError("differential test, seed " + seed + ": after " + (i + 1) + " operations "
                        + subjectName(subject) + " answered differently from the in-memory store\n"
                        + "  operation: " + op.java() + "\n"
                        + "  expected:  " + Java.describe(m.get().expected) + "\n"
                        + "  actual:    " + Java.describe(m.get().actual) + "\n"
                        + "shrunk to " + shrunk.size() + " operations (last: expected "
                        + Java.describe(last.expected) + ", actual "
                        + Java.describe(last.actual) + "):\n" + java(shrunk));
            }
        }
        return new Report(seed, operations, d.queries, d.pages, d.refusals);
    }

    private static String subjectName(Store s) {
        return "store '" + s.name() + "'";
    }

    private void reset() {
        reference.deleteAll();
        subject.deleteAll();
    }

    private record Mismatch(Object expected, Object actual) {
    }

    /** Runs an operation on both stores; a difference, if any. */
    private Optional<Mismatch> step(Op op) {
        Object expected = outcome(op, reference);
        Object actual = outcome(op, subject);
        if (op instanceof Query_ || op instanceof Count_ || op instanceof Stream_) {
            queries++;
        }
        if (expected instanceof Failure f && actual instanceof Failure) {
            refusals++;
            if (!atomicBatches && op instanceof SaveAll_ batch && f.type.equals("OptimisticLockException")) {
                // a store without transactions may have written part of the batch: forget the batch's ids on both sides
                List<String> ids = batch.entities.stream().map(Ledger::id).toList();
                reference.deleteAllById(ids);
                subject.deleteAllById(ids);
            }
        }
        if (!Objects.equals(expected, actual)) {
            return Optional.of(new Mismatch(expected, actual));
        }
        return Optional.empty();
    }

    private Object outcome(Op op, Repository<Ledger, String> repo) {
        try {
            Object result = op.apply(repo);
            if (result instanceof Paged p) {
                pages += p.pages.size();
            }
            return result;
        } catch (RuntimeException e) {
            return new Failure(e);
        }
    }

    private Optional<Mismatch> replay(List<Op> ops) {
        reset();
        for (Op op : ops) {
            Optional<Mismatch> m = step(op);
            if (m.isPresent()) {
                return m;
            }
        }
        return Optional.empty();
    }

    /** Removes chunks of operations, then single ones, while a replay still shows a difference. */
    private List<Op> shrink(List<Op> ops) {
        List<Op> current = new ArrayList<>(ops);
        int replays = 0;
        for (int chunk = Math.max(1, current.size() / 2); chunk >= 1; chunk /= 2) {
            boolean removed = true;
            while (removed && replays < MAX_REPLAYS) {
                removed = false;
                for (int start = 0; start < current.size() && replays < MAX_REPLAYS; ) {
                    List<Op> candidate = new ArrayList<>(current.subList(0, start));
                    candidate.addAll(current.subList(Math.min(current.size(), start + chunk), current.size()));
                    replays++;
                    if (!candidate.isEmpty() && replay(candidate).isPresent()) {
                        current = candidate;
                        removed = true;
                    } else {
                        start += chunk;
                    }
                }
            }
        }
        return current;
    }

    private static String java(List<Op> ops) {
        StringBuilder sb = new StringBuilder();
        sb.append("    Repository<Ledger, String> repo = store.repository(EntityModel.of(Ledger.class));\n");
        for (Op op : ops) {
            sb.append("    ").append(op.java()).append('\n');
        }
        return sb.toString();
    }

    // ---- outcomes ---------------------------------------------------------------------------------

    /** An exception, compared by its class only (messages differ between stores). */
    private static final class Failure {
        final String type;
        final String message;

        Failure(RuntimeException e) {
            this.type = e.getClass().getSimpleName();
            this.message = e.getMessage();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Failure f && f.type.equals(type);
        }

        @Override
        public int hashCode() {
            return type.hashCode();
        }

        @Override
        public String toString() {
            String m = message == null ? "" : message.length() > 300 ? message.substring(0, 300) + "..." : message;
            return "threw " + type + ": " + m;
        }
    }

    /** The pages of a query read to the end, or how the paging went wrong. */
    private record Paged(List<List<Ledger>> pages, String problem) {
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            sb.append(pages.size()).append(" page(s)");
            if (problem != null) {
                sb.append(", ").append(problem);
            }
            sb.append(": ");
            for (List<Ledger> p : pages) {
                sb.append(p.stream().map(Ledger::id).toList());
            }
            sb.append(" = ").append(Java.describe(pages));
            return sb.toString();
        }
    }

    // ---- operations -------------------------------------------------------------------------------

    private sealed interface Op {
        Object apply(Repository<Ledger, String> r);

        String java();
    }

    private record Save_(Ledger entity) implements Op {
        public Object apply(Repository<Ledger, String> r) {
            return r.save(entity);
        }

        public String java() {
            return "repo.save(" + Java.ledger(entity) + ");";
        }
    }

    private record SaveAll_(List<Ledger> entities) implements Op {
        public Object apply(Repository<Ledger, String> r) {
            return r.saveAll(entities);
        }

        public String java() {
            return "repo.saveAll(List.of(" + String.join(", ", entities.stream().map(Java::ledger).toList()) + "));";
        }
    }

    private record ImportAll_(List<Ledger> entities) implements Op {
        public Object apply(Repository<Ledger, String> r) {
            return r.importAll(entities);
        }

        public String java() {
            return "repo.importAll(List.of(" + String.join(", ", entities.stream().map(Java::ledger).toList()) + "));";
        }
    }

    private record FindById_(String id) implements Op {
        public Object apply(Repository<Ledger, String> r) {
            return r.findById(id);
        }

        public String java() {
            return "repo.findById(" + Java.literal(id) + ");";
        }
    }

    private record FindAllById_(List<String> ids) implements Op {
        public Object apply(Repository<Ledger, String> r) {
            return r.findAllById(ids);
        }

        public String java() {
            return "repo.findAllById(" + Java.literal(ids) + ");";
        }
    }

    private record Exists_(String id) implements Op {
        public Object apply(Repository<Ledger, String> r) {
            return r.existsById(id);
        }

        public String java() {
            return "repo.existsById(" + Java.literal(id) + ");";
        }
    }

    private record DeleteById_(String id) implements Op {
        public Object apply(Repository<Ledger, String> r) {
            return r.deleteById(id);
        }

        public String java() {
            return "repo.deleteById(" + Java.literal(id) + ");";
        }
    }

    private record Delete_(Ledger entity) implements Op {
        public Object apply(Repository<Ledger, String> r) {
            return r.delete(entity);
        }

        public String java() {
            return "repo.delete(" + Java.ledger(entity) + ");";
        }
    }

    private record DeleteAllById_(List<String> ids) implements Op {
        public Object apply(Repository<Ledger, String> r) {
            return r.deleteAllById(ids);
        }

        public String java() {
            return "repo.deleteAllById(" + Java.literal(ids) + ");";
        }
    }

    private record DeleteAll_() implements Op {
        public Object apply(Repository<Ledger, String> r) {
            return r.deleteAll();
        }

        public String java() {
            return "repo.deleteAll();";
        }
    }

    private record CountAll_() implements Op {
        public Object apply(Repository<Ledger, String> r) {
            return r.count();
        }

        public String java() {
            return "repo.count();";
        }
    }

    private record Count_(Query query) implements Op {
        public Object apply(Repository<Ledger, String> r) {
            return r.count(query);
        }

        public String java() {
            return "repo.count(" + Java.query(query) + ");";
        }
    }

    private record Stream_(Query query) implements Op {
        public Object apply(Repository<Ledger, String> r) {
            try (Stream<Ledger> s = r.stream(query)) {
                return s.toList();
            }
        }

        public String java() {
            return "repo.stream(" + Java.query(query) + ").toList();";
        }
    }

    /** A query read page by page to its end, each cursor passed on as a token, as a web page would. */
    private record Query_(Query query) implements Op {
        public Object apply(Repository<Ledger, String> r) {
            List<List<Ledger>> pages = new ArrayList<>();
            Page<Ledger> page = r.find(query);
            pages.add(page.content());
            Cursor previous = null;
            while (page.hasNext()) {
                Cursor next = page.next().orElseThrow();
                if (next.equals(previous)) {
                    return new Paged(pages, "a page repeated the previous cursor " + next.values());
                }
                if (page.content().isEmpty()) {
                    return new Paged(pages, "an empty page said more may follow");
                }
                if (pages.size() >= MAX_PAGES) {
                    return new Paged(pages, "paging did not end after " + MAX_PAGES + " pages");
                }
                previous = next;
                page = r.find(query.after(Cursor.decode(next.encode())));
                pages.add(page.content());
            }
            return new Paged(pages, null);
        }

        public String java() {
            return "readAllPages(repo, " + Java.query(query) + ");";
        }
    }

    // ---- generation -------------------------------------------------------------------------------

    /** Values chosen to make stores disagree: near-equal numbers, long and 4-byte text, shared prefixes. */
    private static final class Generator {
        private static final List<String> IDS = List.of("a", "b", "c", "d", "e", "f", "O'Brien", "'; DROP TABLE x;--",
                "${x}", "{}", "😀", "a:b", "x y", "%", "Ünïcödé");
        private static final String LONG = "x".repeat(700);
        private static final List<String> NAMES = List.of("", "a", "a😀", "a\uFFFF", "ab", "aB", "b", "B", "é", "😀",
                "\uFFFD", "a%", "a_", "%", "_", "'; DROP TABLE x;--", "${x}", "{\"$gt\": \"\"}", "back\\slash",
                " a", "a ", "null", "tab\there", "line\nbreak", LONG + "a", LONG + "b", LONG + "😀", LONG);
        private static final List<String> NOTES = List.of("", "n", "note", "a😀", "é", "'", "\\", "y".repeat(4100) + "1",
                "y".repeat(4100) + "2", "z".repeat(1100) + "é");
        private static final List<String> AMOUNTS = List.of("0", "1", "1.0", "1.00", "-1", "1E+3", "1000", "1E+30",
                "0.1", "0.10", "-0.5", "1E-31", "1E-40", "-1E-31", "2.5", "9007199254740992", "9007199254740993",
                "-9007199254740993", "1.0000000000000001", "123456789012345678901234567890.123456789",
                "99999999999999999999999999999999999999", "-99999999999999999999999999999999999999.99", "3.14159265358979323846264338327950288");
        private static final List<Long> SCORES = List.of(0L, 1L, -1L, -3L, 3L, 7L, 9007199254740993L, 9007199254740992L,
                -9007199254740993L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1);
        private static final List<String> TAGS = List.of("a", "b", "", "😀", "a b", "'", "%");
        private static final List<String> CITIES = List.of("London", "london", "", "Zürich", "😀", "'");
        private static final List<String> PREFIXES = List.of("", "a", "a😀", "x", "xx", "%", "_", "'", "\\", "B", "😀",
                "\uFFFD", "a\uFFFF");

        private final Random random;
        private final Set<Feature> unsupported;
        private final Repository<Ledger, String> reference;
        private final boolean unindexed;
        private final boolean nested;
        private final boolean nul;

        Generator(Random random, Set<Feature> unsupported, Repository<Ledger, String> reference) {
            this.random = random;
            this.unsupported = unsupported;
            this.reference = reference;
            this.unindexed = !unsupported.contains(Feature.QUERY_UNINDEXED);
            this.nested = unindexed && !unsupported.contains(Feature.NESTED_PATHS);
            this.nul = !unsupported.contains(Feature.NUL_IN_TEXT);
        }

        Op next() {
            int r = random.nextInt(100);
            if (r < 28) {
                return new Save_(entity(id()));
            }
            if (r < 33) {
                List<Ledger> batch = new ArrayList<>();
                int n = 1 + random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    batch.add(entity(id()));
                }
                return r < 32 ? new SaveAll_(batch) : new ImportAll_(batch);
            }
            if (r < 37) {
                return new FindById_(id());
            }
            if (r < 39) {
                return new FindAllById_(ids());
            }
            if (r < 41) {
                return new Exists_(id());
            }
            if (r < 44) {
                return new DeleteById_(id());
            }
            if (r < 47) {
                return new Delete_(entity(id()));
            }
            if (r < 49) {
                return new DeleteAllById_(ids());
            }
            if (r < 50) {
                return random.nextInt(4) == 0 ? new DeleteAll_() : new CountAll_();
            }
            if (r < 58) {
                return new Count_(Query.where(criteria(2)));
            }
            if (r < 64) {
                return new Stream_(query());
            }
            return new Query_(query());
        }

        private String id() {
            return pick(IDS);
        }

        private List<String> ids() {
            List<String> ids = new ArrayList<>();
            int n = random.nextInt(5);
            for (int i = 0; i < n; i++) {
                ids.add(id());
            }
            return ids;
        }

        private Ledger entity(String id) {
            long stored = reference.findById(id).map(Ledger::version).orElse(0L);
            int v = random.nextInt(20);
            long version = v < 13 ? stored : v < 16 ? stored + 1 : v < 18 ? Math.max(0, stored - 1) : v < 19 ? 0 : -1 - random.nextInt(2);
            Address address = random.nextInt(3) == 0 ? null
                    : new Address(random.nextBoolean() ? null : "1 Main St", random.nextInt(5) == 0 ? null : pick(CITIES), "Z1");
            return new Ledger(id, random.nextInt(8) == 0 ? null : name(), random.nextInt(8) == 0 ? null : amount(),
                    random.nextInt(6) == 0 ? null : score(), random.nextInt(4) == 0 ? null : random.nextBoolean(),
                    tags(), address, random.nextInt(4) == 0 ? null : note(), version);
        }

        private String name() {
            if (nul && random.nextInt(30) == 0) {
                return "a\u0000" + pick(NAMES);
            }
            return pick(NAMES);
        }

        private String note() {
            if (nul && random.nextInt(30) == 0) {
                return "\u0000";
            }
            return pick(NOTES);
        }

        private BigDecimal amount() {
            if (random.nextInt(4) == 0) {
                return BigDecimal.valueOf(random.nextInt(2001) - 1000, random.nextInt(4));
            }
            BigDecimal d = new BigDecimal(pick(AMOUNTS));
            if (unsupported.contains(Feature.DECIMAL_NEGATIVE_SCALE) && d.scale() < 0) {
                d = d.setScale(0);
            }
            if (unsupported.contains(Feature.DECIMAL_ANY_SIZE)) {
                BigDecimal s = d.stripTrailingZeros();
                if (s.scale() > 30) {
                    d = d.setScale(30, java.math.RoundingMode.HALF_EVEN);
                }
                if (s.precision() - s.scale() > 35) {
                    d = new BigDecimal("-12345678901234567890123456789012345.5");
                }
            }
            return d;
        }

        private Long score() {
            return random.nextInt(3) == 0 ? (long) (random.nextInt(21) - 10) : pick(SCORES);
        }

        private List<String> tags() {
            int r = random.nextInt(6);
            if (r == 0) {
                return null;
            }
            if (r == 1) {
                return List.of();
            }
            Set<String> tags = new LinkedHashSet<>();
            for (int i = 0; i < r - 1; i++) {
                tags.add(pick(TAGS));
            }
            return List.copyOf(tags);
        }

        private Query query() {
            Query q = random.nextInt(5) == 0 ? Query.all() : Query.where(criteria(2));
            List<String> keys = new ArrayList<>(List.of("name", "amount", "score", "flag", "id"));
            if (unindexed) {
                keys.add("note");
            }
            if (nested) {
                keys.add("address.city");
            }
            List<Sort> sort = new ArrayList<>();
            int n = random.nextInt(3);
            for (int i = 0; i < n; i++) {
                String k = keys.remove(random.nextInt(keys.size()));
                sort.add(random.nextBoolean() ? Sort.asc(k) : Sort.desc(k));
            }
            q = q.orderBy(sort);
            int l = random.nextInt(4);
            return l == 0 ? q : q.limit(l == 1 ? 1 : 1 + random.nextInt(5));
        }

        private Criteria criteria(int depth) {
            int r = random.nextInt(depth > 0 ? 14 : 10);
            return switch (r) {
                case 0, 1, 2, 3 -> compare();
                case 4 -> Criteria.in(pickField(), operands());
                case 5 -> Criteria.startsWith(unindexed && random.nextInt(4) == 0 ? "note"
                        : nested && random.nextInt(4) == 0 ? "address.city" : "name", pick(PREFIXES));
                case 6, 7 -> Criteria.isNull(nullableField());
                case 8 -> Criteria.contains("tags", pick(TAGS));
                case 9 -> Criteria.ne(pickField(), operand(lastField));
                case 10 -> Criteria.and(criteria(depth - 1), criteria(depth - 1));
                case 11 -> Criteria.or(criteria(depth - 1), criteria(depth - 1));
                default -> Criteria.not(criteria(depth - 1));
            };
        }

        private String lastField;

        private Criteria compare() {
            String f = pickField();
            Object v = operand(f);
            return switch (random.nextInt(6)) {
                case 0 -> Criteria.eq(f, v);
                case 1 -> Criteria.ne(f, v);
                case 2 -> Criteria.lt(f, v);
                case 3 -> Criteria.le(f, v);
                case 4 -> Criteria.gt(f, v);
                default -> Criteria.ge(f, v);
            };
        }

        private String pickField() {
            List<String> fields = new ArrayList<>(List.of("name", "amount", "amount", "score", "flag", "id"));
            if (unindexed) {
                fields.add("note");
            }
            if (nested) {
                fields.add("address.city");
            }
            lastField = pick(fields);
            return lastField;
        }

        private String nullableField() {
            List<String> fields = new ArrayList<>(List.of("name", "amount", "score", "flag", "tags"));
            if (unindexed) {
                fields.add("note");
                fields.add("address");
            }
            if (nested) {
                fields.add("address.city");
                fields.add("address.street");
            }
            return pick(fields);
        }

        private List<Object> operands() {
            List<Object> values = new ArrayList<>();
            int n = 1 + random.nextInt(3);
            for (int i = 0; i < n; i++) {
                values.add(operand(lastField));
            }
            return values;
        }

        private Object operand(String field) {
            return switch (field) {
                case "name" -> name();
                case "amount" -> amount();
                case "score" -> score();
                case "flag" -> random.nextBoolean();
                case "id" -> id();
                case "note" -> note();
                default -> pick(CITIES);
            };
        }

        private <V> V pick(List<V> values) {
            return values.get(random.nextInt(values.size()));
        }
    }

    // ---- printing as Java -------------------------------------------------------------------------

    /** Prints values as Java source, long runs of one character as {@code "x".repeat(n)}. */
    static final class Java {
        private Java() {
        }

        static String ledger(Ledger l) {
            return "new Ledger(" + literal(l.id()) + ", " + literal(l.name()) + ", " + literal(l.amount()) + ", "
                    + literal(l.score()) + ", " + literal(l.flag()) + ", " + literal(l.tags()) + ", "
                    + (l.address() == null ? "null" : "new Address(" + literal(l.address().street()) + ", "
                    + literal(l.address().city()) + ", " + literal(l.address().zip()) + ")")
                    + ", " + literal(l.note()) + ", " + l.version() + ")";
        }

        static String query(Query q) {
            StringBuilder sb = new StringBuilder();
            sb.append(q.criteria().map(c -> "Query.where(" + criteria(c) + ")").orElse("Query.all()"));
            if (!q.sort().isEmpty()) {
                sb.append(".orderBy(");
                for (int i = 0; i < q.sort().size(); i++) {
                    Sort s = q.sort().get(i);
                    sb.append(i == 0 ? "" : ", ").append(s.ascending() ? "Sort.asc(" : "Sort.desc(").append(literal(s.field())).append(')');
                }
                sb.append(')');
            }
            if (q.limit() > 0) {
                sb.append(".limit(").append(q.limit()).append(')');
            }
            return sb.toString();
        }

        static String criteria(Criteria c) {
            if (c instanceof Criteria.Compare x) {
                return x.op().name().toLowerCase(java.util.Locale.ROOT) + "(" + literal(x.field()) + ", " + literal(x.value()) + ")";
            }
            if (c instanceof Criteria.In x) {
                return "in(" + literal(x.field()) + ", " + literal(x.values()) + ")";
            }
            if (c instanceof Criteria.StartsWith x) {
                return "startsWith(" + literal(x.field()) + ", " + literal(x.prefix()) + ")";
            }
            if (c instanceof Criteria.IsNull x) {
                return "isNull(" + literal(x.field()) + ")";
            }
            if (c instanceof Criteria.Contains x) {
                return "contains(" + literal(x.field()) + ", " + literal(x.value()) + ")";
            }
            if (c instanceof Criteria.And x) {
                return "and(" + String.join(", ", x.parts().stream().map(Java::criteria).toList()) + ")";
            }
            if (c instanceof Criteria.Or x) {
                return "or(" + String.join(", ", x.parts().stream().map(Java::criteria).toList()) + ")";
            }
            if (c instanceof Criteria.Not x) {
                return "not(" + criteria(x.part()) + ")";
            }
            return String.valueOf(c);
        }

        static String literal(Object v) {
            if (v == null) {
                return "null";
            }
            if (v instanceof String s) {
                return string(s);
            }
            if (v instanceof BigDecimal d) {
                return "new BigDecimal(\"" + d + "\")";
            }
            if (v instanceof Long l) {
                return l == Long.MIN_VALUE ? "Long.MIN_VALUE" : l + "L";
            }
            if (v instanceof Collection<?> c) {
                return "List.of(" + String.join(", ", c.stream().map(Java::literal).toList()) + ")";
            }
            if (v instanceof Map<?, ?> m) {
                return "Map.of(...)";
            }
            return String.valueOf(v);
        }

        static String string(String s) {
            List<String> parts = new ArrayList<>();
            StringBuilder plain = new StringBuilder();
            int i = 0;
            while (i < s.length()) {
                char c = s.charAt(i);
                int run = 1;
                while (i + run < s.length() && s.charAt(i + run) == c) {
                    run++;
                }
                if (run >= 8) {
                    if (plain.length() > 0) {
                        parts.add("\"" + plain + "\"");
                        plain.setLength(0);
                    }
                    parts.add("\"" + escape(c) + "\".repeat(" + run + ")");
                } else {
                    for (int k = 0; k < run; k++) {
                        plain.append(escape(c));
                    }
                }
                i += run;
            }
            if (plain.length() > 0 || parts.isEmpty()) {
                parts.add("\"" + plain + "\"");
            }
            return String.join(" + ", parts);
        }

        private static String escape(char c) {
            return switch (c) {
                case '"' -> "\\\"";
                case '\\' -> "\\\\";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                default -> c < 0x20 || c > 0x7e ? String.format("\\u%04X", (int) c) : String.valueOf(c);
            };
        }

        /** An outcome as Java-like text, long runs shortened, at most a few thousand characters. */
        static String describe(Object outcome) {
            return abbreviate(text(outcome), 4000);
        }

        private static String text(Object o) {
            if (o instanceof Ledger l) {
                return ledger(l);
            }
            if (o instanceof Optional<?> opt) {
                return opt.map(v -> "Optional[" + text(v) + "]").orElse("Optional.empty");
            }
            if (o instanceof Collection<?> c) {
                return "[" + String.join(", ", c.stream().map(Java::text).toList()) + "]";
            }
            return String.valueOf(o);
        }

        static String abbreviate(String s, int max) {
            return s.length() <= max ? s : s.substring(0, max) + "... (" + s.length() + " chars)";
        }
    }
}

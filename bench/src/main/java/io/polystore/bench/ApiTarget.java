package io.polystore.bench;

import io.polystore.Polystore;
import io.polystore.Repository;
import io.polystore.query.Criteria;
import io.polystore.query.Query;
import io.polystore.query.Sort;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs the workload through the Polystore repository API, on {@link BenchRecord} or, when the
 * workload queries with an index, on {@link IndexedBenchRecord} (the same table).
 */
final class ApiTarget implements Target {
    private final Polystore polystore;
    private final Records<?> records;

    ApiTarget(String uri, Map<String, String> options) {
        this(uri, options, false);
    }

    ApiTarget(String uri, Map<String, String> options, boolean indexed) {
        Class<?> type = indexed ? IndexedBenchRecord.class : BenchRecord.class;
        this.polystore = Polystore.builder().store("bench", uri, options).route(type, "bench").build();
        this.records = indexed
                ? new Records<>(polystore.repository(IndexedBenchRecord.class), IndexedBenchRecord::of, IndexedBenchRecord::toBenchRecord)
                : new Records<>(polystore.repository(BenchRecord.class), null, null);
    }

    /** A repository and the conversions to and from its entity (null: it is {@link BenchRecord}). */
    private record Records<E>(Repository<E, String> repository, Function<BenchRecord, E> in, Function<E, BenchRecord> out) {
        @SuppressWarnings("unchecked")
        E in(BenchRecord r) {
            return in == null ? (E) r : in.apply(r);
        }

        @SuppressWarnings("unchecked")
        List<E> in(List<BenchRecord> rs) {
            return in == null ? (List<E>) rs : rs.stream().map(in).toList();
        }

        BenchRecord out(E e) {
            return e == null ? null : out == null ? (BenchRecord) e : out.apply(e);
        }

        @SuppressWarnings("unchecked")
        List<BenchRecord> out(List<E> es) {
            if (out == null) {
                return (List<BenchRecord>) es;
            }
            List<BenchRecord> result = new ArrayList<>(es.size());
            for (E e : es) {
                result.add(out(e));
            }
            return result;
        }

        void saveAll(List<BenchRecord> batch) {
            repository.saveAll(in(batch));
        }

        void save(BenchRecord r) {
            repository.save(in(r));
        }

        BenchRecord findById(String key) {
            return out(repository.findById(key).orElse(null));
        }

        List<BenchRecord> find(Query q) {
            return out(repository.find(q).content());
        }
    }

    @Override
    public String kind() {
        return "api";
    }

    @Override
    public String describe() {
        return records.repository().store().describe();
    }

    @Override
    public void clear() {
        records.repository().deleteAll();
    }

    @Override
    public void insertBatch(List<BenchRecord> batch) {
        records.saveAll(batch);
    }

    @Override
    public BenchRecord read(String key) {
        return records.findById(key);
    }

    @Override
    public void write(BenchRecord record) {
        records.save(record);
    }

    @Override
    public List<BenchRecord> scan(String startKey, int count) {
        return records.find(Query.where(Criteria.ge("id", startKey)).orderBy(Sort.asc("id")).limit(count));
    }

    @Override
    public List<BenchRecord> query(String field, String value) {
        return records.find(Query.where(Criteria.eq(field, value)).limit(100));
    }

    @Override
    public void close() {
        polystore.close();
    }
}

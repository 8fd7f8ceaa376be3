package io.polystore.bench;

import io.polystore.Polystore;
import io.polystore.Repository;
import io.polystore.query.Criteria;
import io.polystore.query.Query;
import io.polystore.query.Sort;

import java.util.List;
import java.util.Map;

/** Runs the workload through the Polystore repository API. */
final class ApiTarget implements Target {
    private final Polystore polystore;
    private final Repository<BenchRecord, String> records;

    ApiTarget(String uri, Map<String, String> options) {
        this.polystore = Polystore.builder().store("bench", uri, options).route(BenchRecord.class, "bench").build();
        this.records = polystore.repository(BenchRecord.class);
    }

    @Override
    public String kind() {
        return "api";
    }

    @Override
    public String describe() {
        return records.store().describe();
    }

    @Override
    public void clear() {
        records.deleteAll();
    }

    @Override
    public void insertBatch(List<BenchRecord> batch) {
        records.saveAll(batch);
    }

    @Override
    public BenchRecord read(String key) {
        return records.findById(key).orElse(null);
    }

    @Override
    public void write(BenchRecord record) {
        records.save(record);
    }

    @Override
    public List<BenchRecord> scan(String startKey, int count) {
        return records.find(Query.where(Criteria.ge("id", startKey)).orderBy(Sort.asc("id")).limit(count)).content();
    }

    @Override
    public List<BenchRecord> query(String field, String value) {
        return records.find(Query.where(Criteria.eq(field, value)).limit(100)).content();
    }

    @Override
    public void close() {
        polystore.close();
    }
}

package io.polystore.bench;

import java.util.List;

/**
 * What a workload runs against: our repository API or a raw driver doing the same logical
 * operations. Implementations are thread-safe.
 */
public interface Target extends AutoCloseable {

    /** @return {@code api} or {@code raw} */
    String kind();

    /** @return what it talks to, without secrets */
    String describe();

    /** Deletes every benchmark record. */
    void clear();

    /**
     * Called on every target of a run after any of them has loaded, before the measurement: brings
     * state the targets share to the same steady state whoever loaded (PostgreSQL: the reload left a
     * table's worth of dead rows that a scan would wade through until autovacuum happened to run).
     * Does nothing by default.
     */
    default void settle() {
    }

    /**
     * Inserts or replaces records in one batch (repository {@code saveAll}, or a hand-written batch).
     *
     * @param records the records
     */
    void insertBatch(List<BenchRecord> records);

    /**
     * @param key a key
     * @return the record, or null
     */
    BenchRecord read(String key);

    /**
     * Inserts or replaces one record.
     *
     * @param record the record
     */
    void write(BenchRecord record);

    /**
     * @param startKey the first key
     * @param count    how many records at most
     * @return the records from startKey on, in key order
     */
    List<BenchRecord> scan(String startKey, int count);

    /**
     * The by-content query: records whose {@code field} equals {@code value}, at most 100 of them.
     *
     * @param field a field name ({@code field0})
     * @param value the value
     * @return the matching records, in id order (as the API returns them)
     */
    List<BenchRecord> query(String field, String value);

    @Override
    void close();
}

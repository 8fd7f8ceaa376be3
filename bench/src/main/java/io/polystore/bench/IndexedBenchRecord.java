package io.polystore.bench;

import io.polystore.annotation.Entity;
import io.polystore.annotation.Id;
import io.polystore.annotation.Indexed;

/**
 * {@link BenchRecord} with {@code field0} indexed, for the workloads that query by it with an index
 * ({@code queryindexed=true}): the same table, the same fields.
 *
 * @param id     the key
 * @param field0 field, indexed
 * @param field1 field
 * @param field2 field
 * @param field3 field
 * @param field4 field
 * @param field5 field
 * @param field6 field
 * @param field7 field
 * @param field8 field
 * @param field9 field
 */
@Entity("usertable")
public record IndexedBenchRecord(@Id String id, @Indexed String field0, String field1, String field2, String field3,
                                 String field4, String field5, String field6, String field7, String field8, String field9) {

    static IndexedBenchRecord of(BenchRecord r) {
        return new IndexedBenchRecord(r.id(), r.field0(), r.field1(), r.field2(), r.field3(), r.field4(), r.field5(),
                r.field6(), r.field7(), r.field8(), r.field9());
    }

    BenchRecord toBenchRecord() {
        return new BenchRecord(id, field0, field1, field2, field3, field4, field5, field6, field7, field8, field9);
    }
}

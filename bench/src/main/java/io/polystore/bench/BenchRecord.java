package io.polystore.bench;

import io.polystore.annotation.Entity;
import io.polystore.annotation.Id;

/**
 * YCSB's record: a key and ten text fields, stored as table/namespace {@code usertable}.
 *
 * @param id     the key ({@code user} + a hash of the record number)
 * @param field0 field
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
public record BenchRecord(@Id String id, String field0, String field1, String field2, String field3, String field4,
                          String field5, String field6, String field7, String field8, String field9) {

    /** @return the ten field values in order */
    public String[] fields() {
        return new String[]{field0, field1, field2, field3, field4, field5, field6, field7, field8, field9};
    }

    /**
     * @param id     the key
     * @param fields ten values
     * @return the record
     */
    public static BenchRecord of(String id, String[] fields) {
        return new BenchRecord(id, fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], fields[6], fields[7],
                fields[8], fields[9]);
    }
}

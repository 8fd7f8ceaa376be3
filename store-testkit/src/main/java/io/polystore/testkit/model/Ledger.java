package io.polystore.testkit.model;

import io.polystore.annotation.Id;
import io.polystore.annotation.Indexed;
import io.polystore.annotation.Version;

import java.math.BigDecimal;
import java.util.List;

/**
 * The entity of the differential test ({@link io.polystore.testkit.Differential}): a field of every
 * kind the random operations compare, sort and page on.
 *
 * @param id      text id, from a small pool of hostile ids so that operations collide
 * @param name    indexed text (long, 4-byte characters, shared prefixes)
 * @param amount  indexed decimal (extreme, negative-scale and nearly equal values)
 * @param score   indexed whole number (beyond 2^53)
 * @param flag    indexed, nullable boolean
 * @param tags    indexed list of text
 * @param address nested record, not indexed
 * @param note    text, not indexed (also very long)
 * @param version optimistic-lock version
 */
public record Ledger(@Id String id, @Indexed String name, @Indexed BigDecimal amount, @Indexed Long score,
                     @Indexed Boolean flag, @Indexed List<String> tags, Address address, String note,
                     @Version long version) {

    /**
     * @param v a version
     * @return a copy with that version
     */
    public Ledger withVersion(long v) {
        return new Ledger(id, name, amount, score, flag, tags, address, note, v);
    }
}

package io.polystore.cli;

import io.polystore.annotation.Expires;
import io.polystore.annotation.Id;
import io.polystore.annotation.Indexed;
import io.polystore.annotation.Version;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the copy tests move: hostile text, nulls, big decimals, nested values, an expiry and a version.
 *
 * @param id      the id
 * @param name    indexed text
 * @param amount  a decimal (scale kept)
 * @param tags    a list
 * @param attrs   a map
 * @param note    free text, sometimes null
 * @param until   when it expires, or null
 * @param version optimistic lock
 */
public record Cargo(@Id String id, @Indexed String name, BigDecimal amount, List<String> tags, Map<String, String> attrs,
                    String note, @Expires Instant until, @Version long version) {

    /**
     * @param other another cargo
     * @return this one with the other's version (to compare the rest)
     */
    public Cargo withVersionOf(Cargo other) {
        return new Cargo(id, name, amount, tags, attrs, note, until, other.version());
    }
}

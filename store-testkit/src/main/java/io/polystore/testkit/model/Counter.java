package io.polystore.testkit.model;

import io.polystore.annotation.Id;
import io.polystore.annotation.Version;

/**
 * A versioned entity for optimistic-locking tests.
 *
 * @param id      text id
 * @param version optimistic-lock version; 0 = new
 * @param value   the count
 */
public record Counter(@Id String id, @Version long version, long value) {
    /** @return a copy with value + 1 and the same version */
    public Counter increment() {
        return new Counter(id, version, value + 1);
    }
}

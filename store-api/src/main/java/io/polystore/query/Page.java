package io.polystore.query;

import java.util.List;
import java.util.Optional;

/**
 * One page of results and the cursor for the next.
 *
 * @param <T> the entity type
 */
public final class Page<T> {
    private final List<T> content;
    private final Cursor next;

    /**
     * @param content the entities, in query order
     * @param next    the cursor after the last entity, or null when no further entity matched
     */
    public Page(List<T> content, Cursor next) {
        this.content = List.copyOf(content);
        this.next = next;
    }

    /** @return the entities of this page, in query order */
    public List<T> content() {
        return content;
    }

    /** @return the cursor for the next page; empty on the last page */
    public Optional<Cursor> next() {
        return Optional.ofNullable(next);
    }

    /** @return whether another page may follow */
    public boolean hasNext() {
        return next != null;
    }

    /** @return the number of entities in this page */
    public int size() {
        return content.size();
    }
}

package io.polystore.spi;

import io.polystore.query.Page;
import io.polystore.query.Query;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A query's results as a lazy stream, read a page at a time with the keyset cursor: memory holds one
 * page, and each page is one query that starts where the last one ended (so a store with an index
 * on the sort keys reads each row once). The stream ignores the query's own limit, as
 * {@link io.polystore.Repository#stream} documents.
 */
public final class PagedStream {
    private PagedStream() {
    }

    /**
     * @param query    the query; its limit is replaced by {@code pageSize}
     * @param pageSize entities per page, at least 1
     * @param find     answers one page of the query (the repository's {@code find})
     * @param <T>      the entity type
     * @return the stream; the first page is read now, so that a bad query fails at the call
     */
    public static <T> Stream<T> of(Query query, int pageSize, Function<Query, Page<T>> find) {
        Query paged = query.limit(pageSize);
        Page<T> first = find.apply(paged);
        Iterator<T> it = new Iterator<>() {
            private Page<T> page = first;
            private int i;

            @Override
            public boolean hasNext() {
                while (i >= page.size()) {
                    if (!page.hasNext()) {
                        return false;
                    }
                    page = find.apply(paged.after(page.next().orElseThrow()));
                    i = 0;
                }
                return true;
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.content().get(i++);
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }
}

package io.polystore.pagecache;

/** How the page cache answered a request; the value of the {@code X-Cache} header. */
public enum Outcome {
    /** served from this node's memory */
    HIT_L1("HIT-L1"),
    /** served from Redis (and now in this node's memory too) */
    HIT_L2("HIT-L2"),
    /** served stale: while one request refreshes it in the background, or because the handler failed */
    STALE("STALE"),
    /** a stored page the handler confirmed unchanged (a 304 to the cache's conditional request), with its updated headers */
    REVALIDATED("REVALIDATED"),
    /** rendered by the handler (or received from a concurrent render of the same page) */
    MISS("MISS"),
    /** not a request the cache may answer: passed to the handler, response not stored */
    BYPASS("BYPASS");

    private final String header;

    Outcome(String header) {
        this.header = header;
    }

    /** @return the {@code X-Cache} value */
    public String header() {
        return header;
    }
}

package io.polystore.pagecache;

/**
 * Told of every purge made through this node ({@link PageCache#purgeUrl}, {@link PageCache#purgePrefix},
 * {@link PageCache#purgeTag}, {@link PageCache#purgeAll}, the purge endpoint, and unsafe requests that
 * invalidate their target), after the local and shared tiers were cleared. Use it to forward purges
 * to a CDN in front (see docs/PAGE-CACHE.md for a Fastly/Cloudflare-style example). Called on the
 * purging thread; exceptions are logged and do not undo the purge.
 */
public interface PurgeListener {

    /** @param url an absolute URL, normalised as in cache keys */
    default void purgedUrl(String url) {
    }

    /** @param urlPrefix an absolute URL prefix */
    default void purgedPrefix(String urlPrefix) {
    }

    /** @param tag a surrogate key ({@code Surrogate-Key}) whose pages were purged */
    default void purgedTag(String tag) {
    }

    /** Every page was purged. */
    default void purgedAll() {
    }
}

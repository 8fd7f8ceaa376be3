/**
 * A shared HTTP page cache in front of a web handler: {@link io.polystore.pagecache.PageCache}
 * (configuration, purges, statistics), {@link io.polystore.pagecache.PageCacheFilter} (the Jakarta
 * Servlet 6 filter), {@link io.polystore.pagecache.RouteRule} (per-path rules),
 * {@link io.polystore.pagecache.PageCacheListener} and {@link io.polystore.pagecache.MicrometerListener}
 * (metrics), {@link io.polystore.pagecache.PurgeListener} (forwarding purges to a CDN). See
 * docs/PAGE-CACHE.md.
 */
package io.polystore.pagecache;

/**
 * The page cache's implementation: URL normalisation, Cache-Control parsing, the stored page
 * format, the local (Caffeine) and shared (Redis on Lettuce or Jedis) tiers, the circuit breaker,
 * the response capture. Not API: use {@link io.polystore.pagecache.PageCache} and
 * {@link io.polystore.pagecache.PageCacheFilter}.
 */
package io.polystore.pagecache.internal;

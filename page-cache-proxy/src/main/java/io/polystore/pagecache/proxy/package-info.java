/**
 * The page cache as a standalone caching reverse proxy: {@link io.polystore.pagecache.proxy.PageProxy}.
 */
package io.polystore.pagecache.proxy;

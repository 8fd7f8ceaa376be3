package io.polystore.pagecache;

/**
 * What became of a purge. This node's memory is always purged at once; {@code delivered} says
 * whether Redis has also deleted the pages and published the purge to the other nodes. A purge
 * that is not delivered yet stays queued and is retried (with backoff, across a circuit-breaker
 * opening and a Redis restart) until it is; the caller decides whether to wait, retry or alarm.
 *
 * @param kind      {@code url}, {@code prefix}, {@code tag} or {@code all}
 * @param target    the normalised URL, the prefix, the tag, or empty for all
 * @param delivered whether every node will drop the pages (Redis accepted the delete and the publish);
 *                  always true without a shared tier (there is no other node)
 * @param attempts  how many times the Redis work was tried so far
 * @param failure   why the last attempt failed, or null
 */
public record PurgeResult(String kind, String target, boolean delivered, int attempts, String failure) {
}

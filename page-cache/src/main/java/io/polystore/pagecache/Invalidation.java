package io.polystore.pagecache;

import io.polystore.pagecache.internal.SharedTier;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Purges and what keeps them from being lost: the node's own memory is purged at once; the Redis
 * work (delete, then publish to the other nodes) goes through a queue that one thread drains in
 * order, retrying with backoff until Redis accepts it, whether the circuit breaker is open or
 * Redis is restarting. Callers get a {@link PurgeResult} saying whether the purge was delivered.
 *
 * <p>The other half is the bound on how long a node may serve a purged page from memory. A node
 * publishes a heartbeat on the purge channel every quarter of the bound and serves its memory tier
 * only while it has heard one of its own heartbeats sent less than the bound ago. Redis delivers a
 * channel's messages in order, so when a heartbeat sent at time s arrives, every purge that reached
 * Redis before it has been applied; a purge that reached Redis after s is at most the bound old by
 * the time the memory tier stops being trusted. A node whose subscription was lost, whose breaker
 * is open, or whose Redis is slower than the bound therefore stops serving its memory tier (its
 * requests go to Redis or the origin) instead of serving purged pages. Thread-safe.
 */
final class Invalidation implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Invalidation.class.getName());

    /** The Redis side of a purge: deletes, then the message for the other nodes. */
    @FunctionalInterface
    interface RedisWork {
        void run(SharedTier tier);
    }

    private static final class Pending {
        final String kind;
        final String target;
        final RedisWork work;
        final CompletableFuture<PurgeResult> done = new CompletableFuture<>();
        volatile int attempts;
        volatile String failure;

        Pending(String kind, String target, RedisWork work) {
            this.kind = kind;
            this.target = target;
            this.work = work;
        }

        PurgeResult result(boolean delivered) {
            return new PurgeResult(kind, target, delivered, attempts, failure);
        }
    }

    private final PageCache c;
    private final String channel;
    private final long boundNanos;
    private final long purgeTimeoutMillis;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread worker;
    private final ScheduledExecutorService heartbeats;
    /** System.nanoTime() before which the memory tier may be served */
    private volatile long trustedUntil;
    private final long heartbeatEveryNanos;
    private volatile long lastSent;
    private final java.util.concurrent.atomic.AtomicBoolean sending = new java.util.concurrent.atomic.AtomicBoolean();
    /** the purge the worker is delivering */
    private volatile Pending current;
    private volatile boolean closed;

    Invalidation(PageCache c, long boundMillis, long purgeTimeoutMillis) {
        this.c = c;
        this.channel = c.settings.channel();
        this.boundNanos = TimeUnit.MILLISECONDS.toNanos(boundMillis);
        this.purgeTimeoutMillis = purgeTimeoutMillis;
        this.trustedUntil = System.nanoTime();
        this.lastSent = trustedUntil;
        this.heartbeatEveryNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(20, boundMillis / 4));
        if (c.sharedConfigured()) {
            worker = new Thread(this::drain, "page-cache-purges-" + c.settings.namespace());
            worker.setDaemon(true);
            worker.start();
            if (boundNanos > 0) {
                heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "page-cache-heartbeat-" + c.settings.namespace());
                    t.setDaemon(true);
                    return t;
                });
                long every = Math.max(20, boundMillis / 4);
                heartbeats.scheduleWithFixedDelay(this::heartbeat, 0, every, TimeUnit.MILLISECONDS);
            } else {
                heartbeats = null;
            }
        } else {
            worker = null;
            heartbeats = null;
        }
    }

    // ---- the memory tier's lease ------------------------------------------------------------------

    /**
     * @return whether this node may serve its memory tier now: always without Redis or with the
     *         bound off; else while one of its own heartbeats sent less than the bound ago arrived
     */
    boolean localTrusted() {
        if (worker == null || boundNanos <= 0) {
            return true;
        }
        long now = System.nanoTime();
        if (now - lastSent > heartbeatEveryNanos && sending.compareAndSet(false, true)) {
            // on a busy machine the heartbeat thread may be starved while request threads run: the request that
            // notices a late heartbeat sends it (at most one at a time, one round trip)
            try {
                heartbeat();
            } finally {
                sending.set(false);
            }
        }
        return now - trustedUntil < 0;
    }

    /**
     * A page whose request began less than the bound ago may be served from memory even while the
     * node's lease has lapsed: a purge that reached Redis before that request began does not concern
     * it, and one after is less than the bound old. (For a page another node rendered, the bound
     * also carries the clock difference between the nodes.)
     *
     * @param storedAtMillis when the page's request began (wall clock)
     * @param nowMillis      now (wall clock)
     */
    boolean recent(long storedAtMillis, long nowMillis) {
        long age = Math.max(0, nowMillis - storedAtMillis); // stored after the caller's clock reading: new
        return TimeUnit.MILLISECONDS.toNanos(age) < boundNanos;
    }

    /**
     * @param storedAtMillis when the page's request began (wall clock)
     * @param nowMillis      now (wall clock)
     * @return whether a page this node holds may be served from its memory now: while the node's
     *         lease holds ({@link #localTrusted}), or for a {@link #recent} page
     */
    boolean memoryServable(long storedAtMillis, long nowMillis) {
        return localTrusted() || recent(storedAtMillis, nowMillis);
    }

    private void heartbeat() {
        SharedTier tier = c.shared;
        if (tier == null || closed) {
            return;
        }
        lastSent = System.nanoTime();
        // not through the circuit breaker: the heartbeat is the probe. On a busy machine a publish may time out
        // on the client and still reach Redis; its arrival, in order with the purges, is all that counts
        try {
            tier.publish(channel, c.nodeId + " h " + System.nanoTime());
        } catch (RuntimeException e) {
            LOG.log(Level.FINEST, "page cache: heartbeat not sent", e);
        }
    }

    /** Handles a message of the purge channel: a heartbeat, or another node's purge. */
    void onMessage(String message) {
        String[] parts = message.split(" ", 3);
        if (parts.length < 3) {
            return;
        }
        if (parts[0].equals(c.nodeId)) {
            if (parts[1].equals("h")) {
                try {
                    long until = Long.parseLong(parts[2]) + boundNanos;
                    if (until - trustedUntil > 0) {
                        trustedUntil = until;
                    }
                } catch (NumberFormatException e) {
                    // not ours after all
                }
            }
            return; // this node applied its own purges when it made them
        }
        if (!parts[1].equals("h")) {
            purgeLocally(parts[1], parts[2]);
        }
    }

    /**
     * Sends a heartbeat now and waits (bounded) until it comes back, so that a node just connected
     * serves its memory tier from its first requests on.
     */
    void renewLease(long timeoutMillis) {
        if (worker == null || boundNanos <= 0) {
            return;
        }
        heartbeat();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!localTrusted() && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Forgets the lease: the node may have missed messages (subscription lost, Redis restarted). */
    void distrust() {
        trustedUntil = System.nanoTime();
    }

    // ---- purges --------------------------------------------------------------------------------

    /** Purges every variant of a URL key: this node's memory now, Redis and the other nodes through the queue. */
    CompletableFuture<PurgeResult> url(String key) {
        purgeLocally("u", key);
        notifyListeners("url", key, l -> l.purgedUrl(key));
        return submit("url", key, tier -> {
            tier.delete(List.of(c.redisKey(key)));
            c.local.remove(key); // a request may have refilled memory from Redis before the delete
            tier.publish(channel, c.nodeId + " u " + key);
        });
    }

    /** Purges every URL key that starts with a normalised prefix. */
    CompletableFuture<PurgeResult> prefix(String prefix) {
        purgeLocally("p", prefix);
        notifyListeners("prefix", prefix, l -> l.purgedPrefix(prefix));
        return submit("prefix", prefix, tier -> {
            tier.delete(tier.scan(PageCache.globEscape(c.settings.namespace() + ":p:" + prefix) + "*"));
            c.local.removeKeys(k -> k.startsWith(prefix));
            tier.publish(channel, c.nodeId + " p " + prefix);
        });
    }

    /** Purges every page tagged {@code tag}. */
    CompletableFuture<PurgeResult> tag(String tag) {
        purgeLocally("t", tag);
        notifyListeners("tag", tag, l -> l.purgedTag(tag));
        return submit("tag", tag, tier -> {
            tier.delete(tier.takeTag(c.settings.namespace() + ":t:" + tag));
            c.local.removeTagged(tag);
            tier.publish(channel, c.nodeId + " t " + tag);
        });
    }

    /** Purges every page of the namespace (tag sets and locks expire by themselves). */
    CompletableFuture<PurgeResult> all() {
        purgeLocally("a", "");
        notifyListeners("all", "", PurgeListener::purgedAll);
        return submit("all", "", tier -> {
            tier.delete(tier.scan(PageCache.globEscape(c.settings.namespace() + ":p:") + "*"));
            c.local.clear();
            tier.publish(channel, c.nodeId + " a -");
        });
    }

    private void notifyListeners(String kind, String target, Consumer<PurgeListener> call) {
        c.listener.purge(kind, target);
        for (PurgeListener l : c.purgeListeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "page cache: purge listener failed", e);
            }
        }
    }

    /**
     * Purges this node's memory and marks the renders in progress that the purge concerns, so that
     * what they render is not stored: for this node's own purges and for those heard from others.
     *
     * @param kind    {@code u} (URL key), {@code p} (prefix), {@code t} (tag) or {@code a} (all)
     * @param payload the key, prefix or tag
     */
    private void purgeLocally(String kind, String payload) {
        switch (kind) {
            case "u" -> {
                c.local.remove(payload);
                c.coalescer.forgetFlights(k -> k.equals(payload));
            }
            case "p" -> {
                c.local.removeKeys(k -> k.startsWith(payload));
                c.coalescer.forgetFlights(k -> k.startsWith(payload));
            }
            case "t" -> {
                c.local.removeTagged(payload);
                c.coalescer.forgetFlights(k -> true);
            }
            case "a" -> {
                c.local.clear();
                c.coalescer.forgetFlights(k -> true);
            }
            default -> LOG.fine(() -> "page cache: unknown invalidation message " + kind);
        }
    }

    /**
     * Queues the Redis side of a purge (this node's memory is already purged).
     *
     * @return completes with the result once Redis accepted it (never completes exceptionally)
     */
    CompletableFuture<PurgeResult> submit(String kind, String target, RedisWork work) {
        Pending p = new Pending(kind, target, work);
        if (worker == null) {
            p.done.complete(p.result(true));
            return p.done;
        }
        if (closed) {
            p.failure = "the page cache is closed";
            p.done.complete(p.result(false));
            return p.done;
        }
        queue.add(p);
        return p.done;
    }

    /** Waits up to the purge timeout for a purge; past it, says it is still pending. */
    PurgeResult await(CompletableFuture<PurgeResult> done, String kind, String target) {
        try {
            return done.get(purgeTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            Pending now = current;
            if (now != null && now.done == done) {
                return now.result(false);
            }
            for (Pending p : queue) {
                if (p.done == done) {
                    return p.result(false);
                }
            }
            return done.getNow(new PurgeResult(kind, target, false, 0, "not delivered within " + purgeTimeoutMillis + " ms"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PurgeResult(kind, target, false, 0, "interrupted while waiting");
        } catch (ExecutionException e) {
            return new PurgeResult(kind, target, false, 0, String.valueOf(e.getCause()));
        }
    }

    /** @return purges not yet accepted by Redis */
    int pending() {
        return queue.size() + (current != null ? 1 : 0);
    }

    private void drain() {
        long backoff = 10;
        while (!closed) {
            Pending p;
            try {
                p = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            current = p;
            while (!closed) {
                SharedTier tier = c.shared;
                if (tier != null) {
                    p.attempts++;
                    try {
                        p.work.run(tier);
                        p.failure = null;
                        p.done.complete(p.result(true));
                        backoff = 10;
                        break;
                    } catch (RuntimeException e) {
                        p.failure = String.valueOf(e.getMessage());
                        c.sharedFailure(e);
                        if (p.attempts == 1 || p.attempts % 20 == 0) {
                            LOG.log(Level.WARNING, "page cache: purge of " + p.kind + " '" + p.target + "' not delivered yet ("
                                    + p.attempts + " attempts: " + e.getMessage() + "); retrying");
                        }
                    }
                } else {
                    p.failure = "Redis is not connected";
                }
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException e) {
                    return;
                }
                backoff = Math.min(1000, backoff * 2);
            }
            current = null;
            if (closed && !p.done.isDone()) {
                p.failure = "the page cache closed before Redis accepted the purge";
                p.done.complete(p.result(false));
            }
        }
    }

    @Override
    public void close() {
        // purges not delivered yet are lost with this node: say so
        closed = true;
        if (heartbeats != null) {
            heartbeats.shutdownNow();
        }
        if (worker != null) {
            worker.interrupt();
        }
        List<Pending> left = new java.util.ArrayList<>(queue);
        queue.clear();
        for (Pending p : left) {
            p.failure = "the page cache closed before Redis accepted the purge";
            p.done.complete(p.result(false));
        }
        if (!left.isEmpty()) {
            LOG.warning("page cache: closed with " + left.size() + " purge(s) not delivered to Redis");
        }
    }
}

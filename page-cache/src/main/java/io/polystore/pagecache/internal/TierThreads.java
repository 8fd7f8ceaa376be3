package io.polystore.pagecache.internal;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The threads of the tiers on blocking clients (Jedis, Spring Data Redis): writers and the subscriber. */
final class TierThreads {
    private static final int WRITERS = 2;

    private TierThreads() {
    }

    /**
     * @return the executor of page writes: two threads and a bounded queue, so that a slow Redis
     *         never holds a request thread; a full queue rejects (the write is counted as failed)
     */
    static ThreadPoolExecutor writers() {
        return new ThreadPoolExecutor(WRITERS, WRITERS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1000), r -> {
            Thread t = new Thread(r, "page-cache-redis-write");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs a write on the writers and reports how it ended.
     *
     * @param onDone called once: with null, or with the failure (a full queue included)
     */
    static void write(ThreadPoolExecutor writes, Runnable commands, java.util.function.Consumer<Throwable> onDone) {
        try {
            writes.execute(() -> {
                try {
                    commands.run();
                    onDone.accept(null);
                } catch (RuntimeException e) {
                    onDone.accept(e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            onDone.accept(e);
        }
    }

    /** Runs a write on the writers that may be dropped when their queue is full (it expires by itself). */
    static void writeOrDrop(ThreadPoolExecutor writes, Runnable commands) {
        try {
            writes.execute(commands);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // dropped
        }
    }

    /** Lets queued writes finish, for at most 2 s. */
    static void stop(ThreadPoolExecutor writes) {
        writes.shutdown();
        try {
            writes.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return the subscriber thread, started */
    static Thread subscriber(Runnable loop) {
        Thread t = new Thread(loop, "page-cache-redis-subscribe");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Waits (5 s at most) for the first subscription. */
    static void awaitFirst(CountDownLatch first, String channel) {
        try {
            if (!first.await(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("could not subscribe to " + channel + " within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.polystore.pagecache.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Guards the shared tier: after {@code threshold} consecutive failures it opens for
 * {@code openMillis}, during which callers skip the tier; then one caller at a time probes it
 * (half-open) until a call succeeds and closes it. {@code onRecovered} runs when it closes after
 * having been open (the local tier may have missed purges meanwhile).
 */
public final class CircuitBreaker {
    private final int threshold;
    private final long openMillis;
    private final LongSupplier clock;
    private final Runnable onRecovered;
    private final AtomicInteger failures = new AtomicInteger();
    /** 0 when closed; else the time until which it stays open (ms) */
    private final AtomicLong openUntil = new AtomicLong();
    private final AtomicLong probeUntil = new AtomicLong();
    private final AtomicLong opened = new AtomicLong();

    public CircuitBreaker(int threshold, long openMillis, LongSupplier clock, Runnable onRecovered) {
        this.threshold = Math.max(1, threshold);
        this.openMillis = openMillis;
        this.clock = clock;
        this.onRecovered = onRecovered;
    }

    /** @return whether a call may go to the tier now */
    public boolean allow() {
        long until = openUntil.get();
        if (until == 0) {
            return true;
        }
        long now = clock.getAsLong();
        if (now < until) {
            return false;
        }
        // half-open: one probe per openMillis window
        long probe = probeUntil.get();
        return now >= probe && probeUntil.compareAndSet(probe, now + openMillis);
    }

    public void success() {
        failures.set(0);
        if (openUntil.get() != 0 && openUntil.getAndSet(0) != 0) {
            onRecovered.run();
        }
    }

    public void failure() {
        if (failures.incrementAndGet() >= threshold) {
            long now = clock.getAsLong();
            long prev = openUntil.getAndSet(now + openMillis);
            if (prev == 0) {
                opened.incrementAndGet();
            }
        }
    }

    /** @return whether it is open (the tier is being skipped) */
    public boolean isOpen() {
        return openUntil.get() != 0;
    }

    /** @return how many times it has opened */
    public long timesOpened() {
        return opened.get();
    }
}

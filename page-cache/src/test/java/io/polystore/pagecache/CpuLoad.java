package io.polystore.pagecache;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * CPU-bound threads beside a test, as on a developer laptop during a build; they stop on close.
 * <pre>{@code try (CpuLoad load = CpuLoad.start(3)) { ... } }</pre>
 */
final class CpuLoad implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    /** keeps the loops' result observable, so the JIT cannot drop them */
    static volatile long sink;

    private CpuLoad() {
    }

    static CpuLoad start(int threads) {
        CpuLoad load = new CpuLoad();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                long x = 0;
                while (load.running.get()) {
                    x ^= System.nanoTime();
                }
                sink = x;
            }, "cpu-load-" + i);
            t.setDaemon(true);
            t.start();
            load.threads.add(t);
        }
        return load;
    }

    @Override
    public void close() {
        running.set(false);
    }
}

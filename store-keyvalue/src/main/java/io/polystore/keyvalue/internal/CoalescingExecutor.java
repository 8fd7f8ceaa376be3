package io.polystore.keyvalue.internal;

import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.executors.CommandExecutor;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs a Jedis client's single commands on one shared connection, writing together the commands
 * that threads submit while a round trip is in flight (flat combining). A caller queues its command
 * and, if no thread holds the connection, takes it: it writes every queued command (at most
 * {@link #MAX_BATCH}) in one flush, reads the replies in order, hands each to the thread that sent
 * it, and lets the connection go, waking the next queued thread if any. A caller that finds the
 * connection taken parks until its reply is handed to it or the connection is free again.
 *
 * <p>Redis answers a pipeline in order, so every caller gets the reply to its own command, and a
 * command's error reply ({@link JedisDataException}) goes to that caller alone. With one thread this
 * is a plain round trip per command; with many, the server and the client make one read and one
 * write for a batch where a pool makes them per command, which on a machine shared with the server
 * is most of the cost (docs/BENCHMARKS.md). A lost connection fails the commands that were on it
 * (their writes may or may not have happened, as for a single command) and the next batch connects
 * again.
 *
 * <p>{@link #exclusive} lends the connection to one caller for a pipeline of its own, so that every
 * write of the client goes through this one connection (WAIT after a batch then covers the batch).
 * Commands that block on the server (BLPOP, WAIT) hold up every caller for as long as they block.
 */
final class CoalescingExecutor implements CommandExecutor {
    /** Commands written in one flush at most; the rest wait for the next round trip. */
    static final int MAX_BATCH = 128;

    /** A queued command, or (with {@code command == null}) a request for the connection itself. */
    private static final class Pending {
        final CommandObject<?> command;
        final Thread thread = Thread.currentThread();
        Object result;
        RuntimeException error;
        /** The reply is in, or (for a connection request) the connection is now this thread's. */
        volatile boolean done;

        Pending(CommandObject<?> command) {
            this.command = command;
        }
    }

    private final Supplier<Connection> connect;
    private final AutoCloseable alsoClose;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    /** Held by the thread that owns the connection; guards {@link #connection} and {@link #batch}. */
    private final AtomicBoolean busy = new AtomicBoolean();
    private final Pending[] batch = new Pending[MAX_BATCH];
    private final LongAdder roundTrips = new LongAdder();
    private final LongAdder commands = new LongAdder();
    private Connection connection;
    private volatile boolean closed;

    /**
     * @param connect   opens (and authenticates) the shared connection; called again after one is lost
     * @param alsoClose closed with this executor (the client's pool for pipelines)
     */
    CoalescingExecutor(Supplier<Connection> connect, AutoCloseable alsoClose) {
        this.connect = connect;
        this.alsoClose = alsoClose;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T executeCommand(CommandObject<T> command) {
        Pending p = new Pending(command);
        queue.add(p);
        await(p);
        if (p.error != null) {
            throw p.error;
        }
        return (T) p.result;
    }

    /**
     * Runs {@code work} with the shared connection to itself, after the commands queued before it;
     * commands queued meanwhile wait. The work must leave the connection with no reply unread.
     */
    <R> R exclusive(Function<Connection, R> work) {
        acquire();
        try {
            Connection c = connection();
            try {
                return work.apply(c);
            } finally {
                if (c.isBroken()) {
                    drop();
                }
            }
        } finally {
            release();
        }
    }

    /** Takes the connection after the commands queued before this call; returns holding busy. */
    private void acquire() {
        Pending p = new Pending(null);
        queue.add(p);
        await(p);
    }

    /** Waits until {@code p} is answered, taking the connection to answer it (and others) when free. */
    private void await(Pending p) {
        boolean interrupted = false;
        while (!p.done) {
            if (busy.compareAndSet(false, true)) {
                boolean handedOver = false;
                try {
                    handedOver = lead();
                } finally {
                    if (!handedOver) {
                        release();
                    }
                }
            } else {
                LockSupport.park(this);
                if (Thread.interrupted()) { // park returns at once while the flag is set; restore it at the end
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void release() {
        busy.set(false);
        Pending next = queue.peek(); // queued while we held it: its thread may be parked
        if (next != null) {
            LockSupport.unpark(next.thread);
        }
    }

    /**
     * Holding the connection, answers the queued commands up to the first connection request.
     *
     * @return whether the connection was handed to a connection request (and is no longer ours)
     */
    private boolean lead() {
        int n = 0;
        for (Pending q; n < MAX_BATCH && (q = queue.peek()) != null; ) {
            if (q.command == null) {
                if (n == 0) { // its turn: the connection passes to that thread, still held
                    queue.poll();
                    q.done = true;
                    LockSupport.unpark(q.thread);
                    return true;
                }
                break; // after this batch
            }
            batch[n++] = queue.poll(); // only the holder polls, so this is q
        }
        if (n > 0) {
            roundTrips.increment();
            commands.add(n);
            answer(n);
        }
        return false;
    }

    /** Writes the first {@code n} commands of {@link #batch}, reads their replies and hands them out. */
    private void answer(int n) {
        Thread me = Thread.currentThread();
        int answered = 0;
        try {
            Connection c = connection();
            for (int i = 0; i < n; i++) {
                c.sendCommand(batch[i].command.getArguments());
            }
            for (; answered < n; answered++) {
                Pending q = batch[answered];
                Object reply = null;
                try {
                    reply = c.getOne(); // any other failure here leaves the stream unreadable: caught below
                } catch (JedisDataException e) { // the server's error reply to this command; the connection is fine
                    q.error = e;
                }
                if (q.error == null) {
                    try {
                        q.result = q.command.getBuilder().build(reply);
                    } catch (RuntimeException e) { // the reply did not fit the command's builder
                        q.error = e;
                    }
                }
                finish(q, me);
            }
        } catch (RuntimeException e) {
            drop(); // the replies still owed on it would go to the wrong callers
            for (; answered < n; answered++) {
                batch[answered].error = e;
                finish(batch[answered], me);
            }
        } finally {
            java.util.Arrays.fill(batch, 0, n, null);
        }
    }

    private static void finish(Pending q, Thread me) {
        q.done = true;
        if (q.thread != me) {
            LockSupport.unpark(q.thread);
        }
    }

    /** The shared connection, opened if there is none or the last one broke. Call holding busy. */
    private Connection connection() {
        if (closed) {
            throw new JedisConnectionException("the client is closed");
        }
        if (connection == null || connection.isBroken() || !connection.isConnected()) {
            drop();
            connection = connect.get();
        }
        return connection;
    }

    private void drop() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            c.close();
        }
    }

    /** Round trips made so far. */
    long roundTrips() {
        return roundTrips.sum();
    }

    /** Commands answered so far ({@code commands() / roundTrips()} is the mean batch). */
    long commands() {
        return commands.sum();
    }

    /** Commands queued and not yet taken into a batch. */
    int queued() {
        return queue.size();
    }

    @Override
    public void close() {
        closed = true; // batches taken from now on fail instead of connecting again
        acquire();
        try {
            drop();
        } finally {
            release();
            try {
                alsoClose.close();
            } catch (Exception e) {
                // closing the pool of an already closed client: nothing left to release
            }
        }
    }
}

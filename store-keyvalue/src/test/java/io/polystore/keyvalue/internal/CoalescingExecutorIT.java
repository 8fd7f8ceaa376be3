package io.polystore.keyvalue.internal;

import io.polystore.testkit.RedisServer;
import io.polystore.testkit.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.providers.PooledConnectionProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The shared connection of the Jedis client on a real redis-server of its own: every caller gets
 * its own reply under concurrency, commands queued during a round trip go out together, a lost
 * connection fails only the commands that were on it, and an interrupted caller still gets its reply.
 * A command that blocks on the server (BLPOP) holds the connection, which makes the queueing
 * deterministic.
 */
class CoalescingExecutorIT {
    private static RedisServer server;
    private static HostAndPort address;
    private static JedisClientConfig config;

    private CoalescingExecutor shared;
    private RedisClient client;

    @BeforeAll
    static void startServer() {
        try {
            server = RedisServer.start(List.of());
        } catch (IllegalStateException e) {
            TestServers.unavailable(TestServers.REDIS, e.getMessage());
        }
        address = new HostAndPort("127.0.0.1", server.port());
        config = DefaultJedisClientConfig.builder().clientName("shared-under-test").socketTimeoutMillis(10_000).build();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void open() throws Exception {
        if (client != null) {
            client.close();
        }
        server.command("FLUSHALL");
        PooledConnectionProvider pool = new PooledConnectionProvider(address, config);
        shared = new CoalescingExecutor(() -> new Connection(address, config), pool);
        client = RedisClient.builder().hostAndPort(address).clientConfig(config).connectionProvider(pool)
                .commandExecutor(shared).build();
    }

    @org.junit.jupiter.api.AfterEach
    void close() {
        client.close();
        client = null;
    }

    @Test
    void concurrentCallersEachGetTheReplyToTheirOwnCommand() throws Exception {
        String[] hostile = {"'; DROP TABLE x; --", "$1\r\n*2\r\n", "{}", "\u0000", "😀 emoji", "ü".repeat(3000), ""};
        int threads = 8;
        int perThread = 1500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int me = t;
                done.add(pool.submit(() -> {
                    Random random = new Random(20261204L + me);
                    Map<String, String> mine = new java.util.HashMap<>();
                    long counter = 0;
                    int checked = 0;
                    for (int i = 0; i < perThread; i++) {
                        String key = "t" + me + ":" + random.nextInt(20);
                        switch (random.nextInt(5)) {
                            case 0 -> {
                                String value = hostile[random.nextInt(hostile.length)] + i;
                                assertThat(client.set(key, value)).isEqualTo("OK");
                                mine.put(key, value);
                            }
                            case 1 -> {
                                assertThat(client.get(key)).as(key).isEqualTo(mine.get(key));
                                checked++;
                            }
                            case 2 -> assertThat(client.incr("t" + me + ":counter")).isEqualTo(++counter);
                            case 3 -> { // an error reply goes to this caller alone
                                client.set("t" + me + ":text", "not a number");
                                Throwable e = catchThrowable(() -> client.incr("t" + me + ":text"));
                                assertThat(e).isInstanceOf(JedisDataException.class).hasMessageContaining("not an integer");
                            }
                            default -> {
                                assertThat(client.del(key)).isEqualTo(mine.remove(key) == null ? 0 : 1);
                            }
                        }
                    }
                    return checked;
                }));
            }
            int checked = 0;
            for (Future<Integer> f : done) {
                checked += f.get(5, TimeUnit.MINUTES);
            }
            assertThat(checked).isGreaterThan(threads * perThread / 10);
            assertThat(shared.commands()).as("every command went through the shared connection")
                    .isGreaterThanOrEqualTo((long) threads * perThread);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void commandsQueuedDuringARoundTripGoOutTogetherInOrder() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            for (int i = 0; i < 5; i++) {
                client.set("k" + i, "v" + i);
            }
            long tripsBefore = shared.roundTrips();
            long commandsBefore = shared.commands();
            Future<List<String>> blocked = holdConnection(pool, "wake");
            List<Future<String>> queued = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int at = i;
                queued.add(pool.submit(() -> client.get("k" + at)));
            }
            await(() -> shared.queued() == 5);
            assertThat(server.command("RPUSH", "wake", "now")).isEqualTo(":1");
            assertThat(blocked.get(1, TimeUnit.MINUTES)).containsExactly("wake", "now");
            for (int i = 0; i < 5; i++) {
                assertThat(queued.get(i).get(1, TimeUnit.MINUTES)).isEqualTo("v" + i);
            }
            assertThat(shared.roundTrips() - tripsBefore).as("the five waiting GETs took one round trip").isEqualTo(2);
            assertThat(shared.commands() - commandsBefore).isEqualTo(6);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLostConnectionFailsTheCommandsOnItAndTheNextBatchConnectsAgain() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            client.set("kept", "yes");
            Future<List<String>> blocked = holdConnection(pool, "never");
            Future<String> queued = pool.submit(() -> client.get("kept"));
            await(() -> shared.queued() == 1);
            assertThat(server.command("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes")).startsWith(":");
            Throwable lost = catchThrowable(() -> blocked.get(1, TimeUnit.MINUTES));
            assertThat(lost).hasCauseInstanceOf(JedisConnectionException.class);
            assertThat(queued.get(1, TimeUnit.MINUTES)).as("not on the lost connection: answered on a new one")
                    .isEqualTo("yes");
            assertThat(client.get("kept")).isEqualTo("yes");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anInterruptedCallerStillGetsItsReplyAndKeepsItsInterrupt() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            client.set("answer", "42");
            Future<List<String>> blocked = holdConnection(pool, "wake");
            CountDownLatch started = new CountDownLatch(1);
            Thread[] caller = new Thread[1];
            Future<Object[]> interrupted = pool.submit(() -> {
                caller[0] = Thread.currentThread();
                started.countDown();
                String value = client.get("answer");
                return new Object[]{value, Thread.currentThread().isInterrupted()};
            });
            started.await();
            await(() -> shared.queued() == 1);
            caller[0].interrupt();
            assertThat(server.command("RPUSH", "wake", "now")).isEqualTo(":1");
            blocked.get(1, TimeUnit.MINUTES);
            assertThat(interrupted.get(1, TimeUnit.MINUTES)).containsExactly("42", true);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void exclusivePipelinesInterleaveWithSingleCommandsWithoutMixingReplies() throws Exception {
        int threads = 6;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            ConcurrentHashMap<String, String> failures = new ConcurrentHashMap<>();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int me = t;
                done.add(pool.submit(() -> {
                    for (int round = 0; round < 200; round++) {
                        if (me % 2 == 0) {
                            List<String> got = shared.exclusive(c -> {
                                Pipeline p = new Pipeline(c);
                                List<Response<String>> replies = new ArrayList<>();
                                for (int i = 0; i < 20; i++) {
                                    p.set("p" + me + ":" + i, "r" + me + ":" + i);
                                    replies.add(p.get("p" + me + ":" + i));
                                }
                                p.sync();
                                List<String> values = new ArrayList<>();
                                replies.forEach(r -> values.add(r.get()));
                                return values;
                            });
                            for (int i = 0; i < 20; i++) {
                                if (!got.get(i).equals("r" + me + ":" + i)) {
                                    failures.put(me + ":" + round, got.get(i));
                                }
                            }
                        } else {
                            String key = "s" + me;
                            client.set(key, "round " + round);
                            String back = client.get(key);
                            if (!back.equals("round " + round)) {
                                failures.put(me + ":" + round, back);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
            assertThat(failures).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClosedClientRefusesCommands() {
        client.set("x", "1");
        client.close();
        Throwable e = catchThrowable(() -> client.get("x"));
        assertThat(e).isInstanceOf(JedisConnectionException.class).hasMessageContaining("closed");
        PooledConnectionProvider pool = new PooledConnectionProvider(address, config);
        shared = new CoalescingExecutor(() -> new Connection(address, config), pool); // for close()
        client = RedisClient.builder().hostAndPort(address).clientConfig(config).connectionProvider(pool)
                .commandExecutor(shared).build();
    }

    /**
     * Sends a BLPOP on {@code list} from a thread of {@code pool} and returns once it is on the wire:
     * it holds the shared connection until something is pushed to the list (or the connection dies).
     */
    private Future<List<String>> holdConnection(ExecutorService pool, String list) throws InterruptedException {
        long tripsBefore = shared.roundTrips();
        Future<List<String>> blocked = pool.submit(() -> client.blpop(0, list));
        await(() -> shared.roundTrips() == tripsBefore + 1);
        return blocked;
    }

    /** Waits for a state the test itself brings about; the bound only keeps a broken run from hanging. */
    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the state the test waits for never came");
            }
            Thread.sleep(5);
        }
    }
}

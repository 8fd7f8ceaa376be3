package io.polystore.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis Cluster of {@code redis-server} processes on loopback ports, made with
 * {@code redis-cli --cluster create}: {@code masters} primaries, each with {@code replicas}
 * replicas. Nothing is persisted; {@link #close()} kills every node.
 */
public final class RedisCluster implements AutoCloseable {
    private final List<RedisServer> nodes;

    private RedisCluster(List<RedisServer> nodes) {
        this.nodes = nodes;
    }

    /**
     * Starts a cluster and waits until it serves every slot.
     *
     * @param masters  primaries, at least 3
     * @param replicas replicas per primary
     * @return the running cluster
     * @throws IllegalStateException if it cannot be started (no redis-server or redis-cli)
     */
    public static RedisCluster start(int masters, int replicas) {
        List<RedisServer> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < masters * (1 + replicas); i++) {
                nodes.add(RedisServer.start(List.of("--cluster-enabled", "yes", "--cluster-node-timeout", "1000",
                        "--appendonly", "no")));
            }
            List<String> cmd = new ArrayList<>(List.of(cli(), "--cluster", "create"));
            for (RedisServer n : nodes) {
                cmd.add("127.0.0.1:" + n.port());
            }
            cmd.addAll(List.of("--cluster-replicas", Integer.toString(replicas), "--cluster-yes"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("redis-cli --cluster create failed: " + out);
            }
            RedisCluster cluster = new RedisCluster(nodes);
            cluster.awaitOk(Duration.ofSeconds(30));
            return cluster;
        } catch (IOException | RuntimeException e) {
            nodes.forEach(RedisServer::close);
            throw new IllegalStateException("cannot start a Redis Cluster: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            nodes.forEach(RedisServer::close);
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String cli() {
        Path server = Path.of(RedisServer.binaryPath());
        Path beside = server.resolveSibling("redis-cli");
        if (Files.isExecutable(beside)) {
            return beside.toString();
        }
        return "redis-cli";
    }

    /**
     * Waits until every running node reports {@code cluster_state:ok}.
     *
     * @param timeout how long to wait
     */
    public void awaitOk(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            boolean ok = true;
            for (RedisServer n : nodes) {
                if (!n.isAlive()) {
                    continue;
                }
                try {
                    ok &= n.reply("CLUSTER", "INFO").contains("cluster_state:ok");
                } catch (IOException e) {
                    ok = false;
                }
            }
            if (ok) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("the cluster did not reach cluster_state:ok within " + timeout);
    }

    /** @return the nodes, primaries first as created */
    public List<RedisServer> nodes() {
        return nodes;
    }

    /** @return {@code redis-cluster://127.0.0.1:p1,127.0.0.1:p2,...} */
    public String url() {
        StringBuilder sb = new StringBuilder("redis-cluster://");
        for (int i = 0; i < nodes.size(); i++) {
            sb.append(i == 0 ? "" : ",").append("127.0.0.1:").append(nodes.get(i).port());
        }
        return sb.toString();
    }

    @Override
    public void close() {
        nodes.forEach(RedisServer::close);
    }
}

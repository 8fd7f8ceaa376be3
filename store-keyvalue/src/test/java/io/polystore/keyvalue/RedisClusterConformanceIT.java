package io.polystore.keyvalue;

import io.polystore.Polystore;
import io.polystore.Store;
import io.polystore.testkit.Feature;
import io.polystore.testkit.RedisCluster;
import io.polystore.testkit.RepositoryConformanceSuite;
import io.polystore.testkit.TestServers;
import org.junit.jupiter.api.AfterAll;

import java.util.Map;

/** The conformance suite on a real 3-primary Redis Cluster started from redis-server processes, through Lettuce. */
class RedisClusterConformanceIT extends RepositoryConformanceSuite {
    private RedisCluster cluster;

    @Override
    protected Store openStore() {
        cluster = startCluster();
        return Polystore.builder().store("kv", cluster.url(), storeOptions()).build().store("kv");
    }

    /** @return a 3-primary cluster of this suite's own, or the suite is skipped (failed when Redis is required) */
    static RedisCluster startCluster() {
        try {
            return RedisCluster.start(3, 0);
        } catch (IllegalStateException e) {
            TestServers.unavailable(TestServers.REDIS, e.getMessage());
            throw e;
        }
    }

    /** @return the store's options; subclasses run the same suite through another client */
    protected Map<String, String> storeOptions() {
        return Map.of("key-prefix", "conformance-cluster", "client", "lettuce");
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected Map<Feature, String> unsupported() {
        return new RedisConformanceIT().unsupported();
    }
}

package io.polystore.pagecache;

import io.polystore.testkit.RedisCluster;
import io.polystore.testkit.TestServers;
import org.junit.jupiter.api.Nested;

/** The shared tier on a 3-primary Redis Cluster the test starts, with Lettuce, Jedis and a Spring Data Redis factory (Lettuce). */
class ClusterTierIT {
    private static RedisCluster cluster;

    static synchronized String clusterUri() {
        if (cluster == null) {
            try {
                cluster = RedisCluster.start(3, 0);
            } catch (IllegalStateException e) {
                TestServers.unavailable(TestServers.REDIS, "cannot start a Redis Cluster: " + e.getMessage());
                throw e;
            }
            RedisCluster c = cluster;
            Runtime.getRuntime().addShutdownHook(new Thread(c::close));
        }
        return cluster.url();
    }

    @Nested
    class OnLettuce extends SharedTierContract {
        @Override
        String redisUri() {
            return clusterUri();
        }

        @Override
        String client() {
            return "lettuce";
        }
    }

    @Nested
    class OnSpringLettuce extends SpringRedisTierIT.OnFactory {
        @Override
        String redisUri() {
            return clusterUri();
        }

        @Override
        String client() {
            return "spring-lettuce";
        }
    }

    @Nested
    class OnJedis extends SharedTierContract {
        @Override
        String redisUri() {
            return clusterUri();
        }

        @Override
        String client() {
            return "jedis";
        }
    }
}

package io.polystore.keyvalue;

import io.polystore.Polystore;
import io.polystore.Store;
import io.polystore.testkit.Feature;
import io.polystore.testkit.RedisCluster;
import io.polystore.testkit.RepositoryConformanceSuite;
import org.junit.jupiter.api.AfterAll;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The conformance suite through the Spring Data Redis adapter on a real 3-primary Redis Cluster, on
 * the application's {@code JedisConnectionFactory} in cluster mode: Spring offers no pipelines there
 * and its SCAN does not cross nodes (before the adapter handled both, every test of the suite failed
 * here). A {@code LettuceConnectionFactory} on the cluster passes the suite too; it is not run in
 * the build, to keep it short (the page cache's ClusterTierIT runs the Spring tier on one).
 */
class SpringDataRedisClusterConformanceIT extends RepositoryConformanceSuite {
    private RedisCluster cluster;
    private RedisConnectionFactory factory;

    @Override
    protected Store openStore() {
        cluster = RedisClusterConformanceIT.startCluster();
        String url = cluster.url();
        List<String> nodes = new ArrayList<>(List.of(url.substring(url.indexOf("//") + 2).split(",")));
        factory = factory(new RedisClusterConfiguration(nodes));
        Store store = SpringDataRedis.store("kv", factory, Map.of("key-prefix", "conformance-spring-cluster"));
        return Polystore.builder().store(store).build().store("kv");
    }

    /** @return the started factory the suite runs on */
    protected RedisConnectionFactory factory(RedisClusterConfiguration config) {
        JedisConnectionFactory f = new JedisConnectionFactory(config);
        f.afterPropertiesSet();
        f.start();
        return f;
    }

    @AfterAll
    void stopCluster() {
        if (factory instanceof DisposableBean d) {
            try {
                d.destroy();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected Map<Feature, String> unsupported() {
        return new RedisConformanceIT().unsupported();
    }
}

package io.polystore.pagecache;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Spring Data Redis connection factories as an application builds them, with Spring's defaults
 * (Lettuce: one shared connection, 60 s command timeout; Jedis: a pool), for the tests of the
 * shared tier on an application's factory.
 */
final class SpringFactories {
    private SpringFactories() {
    }

    /**
     * @param client {@code spring-lettuce} or {@code spring-jedis}
     * @param url    {@code redis://host:port} or {@code redis-cluster://host:port,host:port}
     * @return a started factory; destroy it with {@link #destroy}
     */
    static RedisConnectionFactory start(String client, String url) {
        boolean cluster = url.startsWith("redis-cluster://");
        List<String> nodes = new ArrayList<>();
        for (String hostPort : url.substring(url.indexOf("//") + 2).split(",")) {
            nodes.add(hostPort.replaceAll("/.*$", ""));
        }
        RedisStandaloneConfiguration standalone = null;
        RedisClusterConfiguration clusterConfig = null;
        if (cluster) {
            clusterConfig = new RedisClusterConfiguration(nodes);
        } else {
            URI u = URI.create(url);
            standalone = new RedisStandaloneConfiguration(u.getHost(), u.getPort() < 0 ? 6379 : u.getPort());
        }
        switch (client) {
            case "spring-lettuce" -> {
                LettuceConnectionFactory f = cluster ? new LettuceConnectionFactory(clusterConfig)
                        : new LettuceConnectionFactory(standalone);
                f.afterPropertiesSet();
                f.start();
                return f;
            }
            case "spring-jedis" -> {
                JedisConnectionFactory f = cluster ? new JedisConnectionFactory(clusterConfig)
                        : new JedisConnectionFactory(standalone);
                f.afterPropertiesSet();
                f.start();
                return f;
            }
            default -> throw new IllegalArgumentException(client);
        }
    }

    static void destroy(RedisConnectionFactory f) {
        if (f instanceof LettuceConnectionFactory l) {
            l.destroy();
        } else if (f instanceof JedisConnectionFactory j) {
            j.destroy();
        }
    }

    /**
     * A builder whose shared tier is on {@code client}: {@code lettuce} and {@code jedis} by URI,
     * {@code spring-lettuce} and {@code spring-jedis} on a factory added to {@code factories}.
     */
    static PageCache.Builder cacheOn(String client, String url, List<RedisConnectionFactory> factories) {
        if (!client.startsWith("spring-")) {
            return PageCache.builder().redis(url).redisClient(client);
        }
        RedisConnectionFactory f = start(client, url);
        factories.add(f);
        return PageCache.builder().redisConnectionFactory(f);
    }
}

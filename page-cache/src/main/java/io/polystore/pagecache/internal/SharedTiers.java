package io.polystore.pagecache.internal;

import java.time.Duration;

/** Makes the shared tier on the client the configuration names. */
public final class SharedTiers {
    private SharedTiers() {
    }

    /**
     * @param client {@code lettuce} or {@code jedis}
     * @throws IllegalArgumentException for an unknown client, or one that is not on the classpath
     */
    public static SharedTier connect(String client, String uri, Duration commandTimeout, Duration connectTimeout) {
        switch (client) {
            case "lettuce":
                return new LettuceTier(uri, commandTimeout, connectTimeout);
            case "jedis":
                try {
                    Class.forName("redis.clients.jedis.UnifiedJedis", false, SharedTiers.class.getClassLoader());
                } catch (ClassNotFoundException e) {
                    throw new IllegalArgumentException("redis-client=jedis needs Jedis on the classpath "
                            + "(redis.clients:jedis); or use redis-client=lettuce");
                }
                return new JedisTier(uri, commandTimeout, connectTimeout);
            default:
                throw new IllegalArgumentException("unknown Redis client '" + client + "'; expected lettuce or jedis");
        }
    }

    /**
     * @param factory        the application's started Spring Data Redis connection factory
     * @param commandTimeout how long a request waits for one read
     * @return the tier on it (the factory stays the application's to close)
     */
    public static SharedTier spring(org.springframework.data.redis.connection.RedisConnectionFactory factory,
            Duration commandTimeout) {
        return new SpringRedisTier(factory, commandTimeout);
    }
}

package io.polystore.spring;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import java.util.Arrays;

/**
 * Resolves {@code spring-data-redis:} and {@code spring-data-redis:<bean name>} to the application's
 * {@link RedisConnectionFactory} beans. Only touched when Spring Data Redis is on the classpath.
 */
final class RedisFactoryBeans {
    /** The URI scheme that names a factory bean, and the prefix of such a value. */
    static final String SCHEME = "spring-data-redis";
    static final String PREFIX = SCHEME + ":";
    private static final String FACTORY = "org.springframework.data.redis.connection.RedisConnectionFactory";

    private RedisFactoryBeans() {
    }

    /** @return whether Spring Data Redis is on the class path */
    static boolean present(ClassLoader loader) {
        return org.springframework.util.ClassUtils.isPresent(FACTORY, loader);
    }

    /**
     * Puts a page cache's shared tier on the factory a value names (here, so that classes loaded
     * without Spring Data Redis never mention its types).
     */
    static void sharedTier(io.polystore.pagecache.PageCache.Builder b, ListableBeanFactory beans, String value,
            String dependent) {
        b.redisConnectionFactory(resolve(beans, value, dependent));
    }

    /**
     * @param beans     the application's beans
     * @param value     {@code spring-data-redis:} (the only or the primary factory) or {@code spring-data-redis:<bean name>}
     * @param dependent the bean that will use the factory: Spring then closes it before the factory
     * @return the factory
     * @throws IllegalArgumentException saying which factories there are, when the value names none
     */
    static RedisConnectionFactory resolve(ListableBeanFactory beans, String value, String dependent) {
        String name = value.substring(PREFIX.length()).trim();
        String[] names = beans.getBeanNamesForType(RedisConnectionFactory.class);
        if (name.isEmpty()) {
            RedisConnectionFactory only = beans.getBeanProvider(RedisConnectionFactory.class).getIfUnique();
            if (only == null) {
                throw new IllegalArgumentException(names.length == 0
                        ? "the application has no RedisConnectionFactory bean: add org.springframework.boot:"
                                + "spring-boot-starter-data-redis (and spring.data.redis.*), or declare one"
                        : "the application has " + names.length + " RedisConnectionFactory beans " + Arrays.toString(names)
                                + " and none is @Primary: name one, e.g. spring-data-redis:" + names[0]);
            }
            for (String n : names) {
                if (beans.getBean(n) == only) {
                    name = n;
                }
            }
        }
        RedisConnectionFactory factory;
        try {
            factory = beans.getBean(name, RedisConnectionFactory.class);
        } catch (NoSuchBeanDefinitionException e) {
            throw new IllegalArgumentException("no RedisConnectionFactory bean named '" + name + "'; the application has "
                    + (names.length == 0 ? "none" : Arrays.toString(names)));
        }
        if (beans instanceof ConfigurableListableBeanFactory c && !name.isEmpty()) {
            c.registerDependentBean(name, dependent);
        }
        return factory;
    }
}

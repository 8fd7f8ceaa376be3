package io.polystore.spring;

import io.polystore.pagecache.PageCache;
import io.polystore.pagecache.PageCacheFilter;
import jakarta.servlet.DispatcherType;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * With {@code polystore.page-cache.enabled=true} in a servlet application: a {@link PageCache} built
 * from the other {@code polystore.page-cache.*} properties (the keys of the YAML section: {@code redis},
 * {@code routes}, {@code hosts}, ...; lists allowed) and its filter in front of every request. With
 * {@code polystore.page-cache.redis=spring-data-redis:} (or {@code spring-data-redis:<bean name>}) the
 * shared tier runs on the application's Spring Data Redis connection factory.
 */
@AutoConfiguration
@ConditionalOnClass({PageCache.class, FilterRegistrationBean.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(prefix = "polystore.page-cache", name = "enabled", havingValue = "true")
public class PolystorePageCacheAutoConfiguration {
    /** Source name in messages about a wrong setting. */
    static final String SOURCE = "Spring properties polystore.page-cache";

    /**
     * @param env   Spring's environment
     * @param beans where {@code redis: spring-data-redis:[bean name]} finds the application's connection factory
     * @return the page cache, closed with the context
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public PageCache polystorePageCache(Environment env, ListableBeanFactory beans) {
        Map<String, Object> raw = Binder.get(env).bind("polystore.page-cache", Bindable.mapOf(String.class, Object.class))
                .orElse(Map.of());
        Map<String, String> settings = new LinkedHashMap<>();
        raw.forEach((k, v) -> {
            if (!k.equals("enabled")) {
                settings.put(k, flatten(v));
            }
        });
        String redis = settings.get("redis");
        if (redis == null || !redis.trim().startsWith(RedisFactoryBeans.PREFIX)) {
            return PageCache.builder().apply(settings, SOURCE).build();
        }
        settings.remove("redis");
        PageCache.Builder b = PageCache.builder().apply(settings, SOURCE);
        if (!RedisFactoryBeans.present(getClass().getClassLoader())) {
            throw new IllegalArgumentException(SOURCE + ".redis = '" + redis + "': Spring Data Redis is not on the "
                    + "classpath; add org.springframework.boot:spring-boot-starter-data-redis or give a redis:// URI");
        }
        try {
            RedisFactoryBeans.sharedTier(b, beans, redis.trim(), "polystorePageCache");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(SOURCE + ".redis = '" + redis + "': " + e.getMessage());
        }
        return b.build();
    }

    /** Lists bound as maps ({@code routes[0]}) or collections become lines, as in the YAML section. */
    private static String flatten(Object v) {
        if (v instanceof Map<?, ?> m) {
            return m.values().stream().map(PolystorePageCacheAutoConfiguration::flatten).collect(Collectors.joining("\n"));
        }
        if (v instanceof Collection<?> c) {
            return c.stream().map(PolystorePageCacheAutoConfiguration::flatten).collect(Collectors.joining("\n"));
        }
        return String.valueOf(v);
    }

    /**
     * @param cache the page cache
     * @return its filter, first among the application's filters, on every request
     */
    @Bean
    public FilterRegistrationBean<PageCacheFilter> polystorePageCacheFilter(PageCache cache) {
        FilterRegistrationBean<PageCacheFilter> r = new FilterRegistrationBean<>(new PageCacheFilter(cache));
        r.addUrlPatterns("/*");
        r.setDispatcherTypes(DispatcherType.REQUEST);
        r.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        r.setName("polystorePageCache");
        return r;
    }
}

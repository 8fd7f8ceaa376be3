package io.polystore.spring;

import io.polystore.ConfigurationException;
import io.polystore.OperationListener;
import io.polystore.Polystore;
import io.polystore.spi.StoreProvider;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A {@link Polystore} bean (closed with the context) from {@code polystore.config} or
 * {@code polystore.stores.*}, told about repository calls by every {@link OperationListener} bean
 * and opening URIs of the back ends that are {@link StoreProvider} beans (as {@code spring-data-redis:}),
 * and a {@code Repository<T, ID>} bean for every entity type routed in the configuration or listed
 * in {@code polystore.repositories}.
 */
@AutoConfiguration
@Conditional(PolystoreConfigured.class)
@EnableConfigurationProperties(PolystoreProperties.class)
public class PolystoreAutoConfiguration {
    /** Where settings come from, in messages: keys are then named relative to {@code polystore.}. */
    static final String SOURCE = "application properties (polystore.*)";

    /**
     * @param properties the {@code polystore.*} properties
     * @param env        Spring's environment, for placeholders in the YAML file
     * @param resources  to read {@code polystore.config}
     * @param listeners  told about every repository call
     * @param backEnds   back ends of the application context ({@code spring-data-redis:} URIs), asked before the classpath's
     * @return the open Polystore
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public Polystore polystore(PolystoreProperties properties, Environment env, ResourceLoader resources,
                               ObjectProvider<OperationListener> listeners, ObjectProvider<StoreProvider> backEnds) {
        Polystore polystore = open(properties, env, resources, backEnds);
        listeners.orderedStream().forEach(polystore::addListener);   // before any repository is handed out
        return polystore;
    }

    private static Polystore open(PolystoreProperties properties, Environment env, ResourceLoader resources,
                                  ObjectProvider<StoreProvider> backEnds) {
        if (properties.getConfig() != null) {
            if (!properties.getStores().isEmpty()) {
                throw new ConfigurationException("polystore.config and polystore.stores are both set: keep one");
            }
            Resource r = resources.getResource(properties.getConfig());
            String yaml;
            try {
                yaml = r.getContentAsString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ConfigurationException("polystore.config = '" + properties.getConfig() + "': cannot read it (" + e.getMessage() + ")");
            }
            // Spring's placeholders first (property names may hold dots and dashes), then Polystore's own
            Polystore.Builder b = Polystore.yamlBuilder(env.resolvePlaceholders(yaml), properties.getConfig(), env::getProperty)
                    .classLoader(resources.getClassLoader());
            backEnds.orderedStream().forEach(b::provider);
            return b.build();
        }
        Polystore.Builder b = Polystore.builder(SOURCE).classLoader(resources.getClassLoader());
        backEnds.orderedStream().forEach(b::provider);
        properties.getStores().forEach((name, s) -> {
            if (s.getUri() == null || s.getUri().isBlank()) {
                throw new ConfigurationException(SOURCE + ": polystore.stores." + name + ".uri is missing");
            }
            b.store(name, s.getUri(), s.getOptions());
        });
        properties.getEntities().forEach((type, store) -> b.route(PolystoreRepositories.load(type, "polystore.entities",
                resources.getClassLoader()), store));
        if (properties.getDefaultStore() != null) {
            b.defaultStore(properties.getDefaultStore());
        }
        return b.build();
    }

    /**
     * @param env Spring's environment
     * @return the registrar of the repository beans
     */
    @Bean
    public static PolystoreRepositories polystoreRepositories(Environment env) {
        return new PolystoreRepositories(env);
    }
}

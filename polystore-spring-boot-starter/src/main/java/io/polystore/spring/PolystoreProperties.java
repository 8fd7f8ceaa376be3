package io.polystore.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code polystore.*}: either a Polystore YAML file ({@code polystore.config}) or the same content as
 * properties ({@code polystore.stores.*}, {@code polystore.entities.*}, {@code polystore.default-store}),
 * with Spring's placeholders and profiles.
 */
@ConfigurationProperties("polystore")
public class PolystoreProperties {
    /** A Polystore YAML file ({@code classpath:polystore.yaml}, {@code file:/etc/app/polystore.yaml}); its
     *  {@code ${...}} placeholders are resolved from Spring's environment. */
    private String config;
    /** Stores by name (used when {@code config} is not set). */
    private Map<String, StoreProperties> stores = new LinkedHashMap<>();
    /** Entity classes (fully qualified) to store names. */
    private Map<String, String> entities = new LinkedHashMap<>();
    /** The store of entity types routed nowhere else. */
    private String defaultStore;
    /** More entity classes to expose as {@code Repository<T, ID>} beans (routed by {@code @Store} or the default store). */
    private List<String> repositories = new ArrayList<>();

    /** One store. */
    public static class StoreProperties {
        /** The store's URI ({@code jdbc:postgresql://...}, {@code redis://...}, {@code mem:}, {@code spring-data-redis:[bean name]}). */
        private String uri;
        /** Back-end options ({@code schema}, {@code pool-size}, {@code key-prefix}, ...). */
        private Map<String, String> options = new LinkedHashMap<>();

        /** @return the {@code uri} setting (see the field) */
        public String getUri() {
            return uri;
        }

        /** @param uri the {@code uri} setting (see the field) */
        public void setUri(String uri) {
            this.uri = uri;
        }

        /** @return the {@code options} setting (see the field) */
        public Map<String, String> getOptions() {
            return options;
        }

        /** @param options the {@code options} setting (see the field) */
        public void setOptions(Map<String, String> options) {
            this.options = options;
        }
    }

    /** @return the {@code config} setting (see the field) */
    public String getConfig() {
        return config;
    }

    /** @param config the {@code config} setting (see the field) */
    public void setConfig(String config) {
        this.config = config;
    }

    /** @return the {@code stores} setting (see the field) */
    public Map<String, StoreProperties> getStores() {
        return stores;
    }

    /** @param stores the {@code stores} setting (see the field) */
    public void setStores(Map<String, StoreProperties> stores) {
        this.stores = stores;
    }

    /** @return the {@code entities} setting (see the field) */
    public Map<String, String> getEntities() {
        return entities;
    }

    /** @param entities the {@code entities} setting (see the field) */
    public void setEntities(Map<String, String> entities) {
        this.entities = entities;
    }

    /** @return the {@code default-store} setting (see the field) */
    public String getDefaultStore() {
        return defaultStore;
    }

    /** @param defaultStore the {@code default-store} setting (see the field) */
    public void setDefaultStore(String defaultStore) {
        this.defaultStore = defaultStore;
    }

    /** @return the {@code repositories} setting (see the field) */
    public List<String> getRepositories() {
        return repositories;
    }

    /** @param repositories the {@code repositories} setting (see the field) */
    public void setRepositories(List<String> repositories) {
        this.repositories = repositories;
    }
}

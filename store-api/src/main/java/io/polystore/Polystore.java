package io.polystore;

import io.polystore.internal.Providers;
import io.polystore.mapping.EntityModel;
import io.polystore.spi.StoreConfig;
import io.polystore.spi.StoreProvider;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The entry point: a registry of named {@link Store}s, and the routing of entity types to them.
 * <pre>{@code
 * try (Polystore polystore = Polystore.fromConfig(Path.of("polystore.yaml"))) {
 *     Repository<User, String> users = polystore.repository(User.class);
 *     users.save(new User(null, "Ada"));
 * }
 * }</pre>
 * An entity type is routed to a store by the configuration ({@code entities:} in the file, or
 * {@link Builder#route}), else by its {@link io.polystore.annotation.Store @Store} annotation, else to
 * the default store. Every store is opened, and the repository of every configured entity type is
 * created (validating the class, and creating or validating its table where the store has one), when
 * the {@code Polystore} is built, so bad configuration fails at startup.
 *
 * <p>Thread-safe. {@link #close()} closes every store.
 */
public final class Polystore implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Polystore.class.getName());
    static final Pattern STORE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    private final Map<String, Store> stores;
    private final Map<Class<?>, String> routes;
    private final String defaultStore;
    private final String source;
    private final Map<String, Map<String, String>> sections;
    private final io.polystore.spi.RepositoryCache repositories = new io.polystore.spi.RepositoryCache();
    private final List<OperationListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<Class<?>, Repository<?, ?>> listened = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean closed;
    private final String namespace;

    private Polystore(Map<String, Store> stores, Map<Class<?>, String> routes, String defaultStore, String source,
            Map<String, Map<String, String>> sections, String namespace) {
        this.namespace = namespace;
        this.sections = sections;
        this.stores = stores;
        this.routes = routes;
        this.defaultStore = defaultStore;
        this.source = source;
    }

    /**
     * Builds a Polystore from a YAML file:
     * <pre>
     * stores:
     *   main:
     *     uri: jdbc:sqlite:${DATA_DIR:./data}/app.db
     *     options: { schema: create }
     *   sessions: mem:             # short form: just the URI
     * default: main                # optional when there is one store
     * entities:
     *   com.acme.Session: sessions
     * </pre>
     * {@code ${NAME}} and {@code ${NAME:default}} are taken from the environment (then from system properties).
     *
     * @param file the YAML file
     * @return the open Polystore
     * @throws ConfigurationException naming the file, key and value when something is wrong
     */
    public static Polystore fromConfig(Path file) {
        return fromConfig(file, Polystore::lookupVariable);
    }

    /**
     * Like {@link #fromConfig(Path)} with a given variable lookup (for tests and embedding).
     *
     * @param file the YAML file
     * @param variables looks up placeholder variables; returns null when unset
     * @return the open Polystore
     */
    public static Polystore fromConfig(Path file, Function<String, String> variables) {
        return YamlConfig.read(file, variables).build();
    }

    /**
     * Builds a Polystore from YAML text.
     *
     * @param yaml      the configuration
     * @param source    a name for messages ({@code "classpath:polystore.yaml"})
     * @param variables looks up placeholder variables; returns null when unset
     * @return the open Polystore
     */
    public static Polystore fromYaml(String yaml, String source, Function<String, String> variables) {
        return YamlConfig.parse(yaml, source, variables).build();
    }

    /**
     * Reads a configuration file into a builder, as {@link #fromConfig(Path)} does, opening nothing:
     * a tool can then {@linkplain Builder#retainStores keep only the stores it needs} before
     * {@link Builder#build()}.
     *
     * @param file the YAML file
     * @return a builder holding the file's stores, routes and sections
     * @throws ConfigurationException naming the file, key and value when something is wrong
     */
    public static Builder configBuilder(Path file) {
        return YamlConfig.read(file, Polystore::lookupVariable);
    }

    /**
     * Reads YAML text into a builder, so that code can add to what the file says before
     * {@link Builder#build()}: a {@linkplain Builder#provider back end} for URIs the classpath does
     * not know, a store already open, more routes.
     *
     * @param yaml      the configuration
     * @param source    a name for messages ({@code "classpath:polystore.yaml"})
     * @param variables looks up placeholder variables; returns null when unset
     * @return a builder holding the file's stores, routes and sections
     * @throws ConfigurationException naming the source, key and value when something is wrong
     */
    public static Builder yamlBuilder(String yaml, String source, Function<String, String> variables) {
        return YamlConfig.parse(yaml, source, variables);
    }

    /**
     * Builds a Polystore from a YAML resource on the classpath (of the context class loader).
     *
     * @param resource the resource name, such as {@code "polystore.yaml"}
     * @return the open Polystore
     * @throws ConfigurationException if the resource is missing or wrong
     */
    public static Polystore fromResource(String resource) {
        String source = "classpath:" + resource;
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = Polystore.class.getClassLoader();
        }
        try (java.io.InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new ConfigurationException(source + ": no such resource on the classpath");
            }
            return fromYaml(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), source,
                    Polystore::lookupVariable);
        } catch (java.io.IOException e) {
            throw new ConfigurationException(source + ": cannot read: " + e, e);
        }
    }

    private static String lookupVariable(String name) {
        String v = System.getenv(name);
        return v != null ? v : System.getProperty(name);
    }

    /**
     * The version of the {@code store-api} on the class path, as the build wrote it (the command
     * lines' {@code --version} prints it).
     *
     * @return the version, such as {@code 0.1.0}, or {@code "unknown"} when the build's version
     *         file is missing (classes copied without their resources)
     */
    public static String version() {
        try (java.io.InputStream in = Polystore.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            String v = p.getProperty("version", "").strip();
            return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /** @return a builder for configuring stores in code */
    public static Builder builder() {
        return new Builder("Polystore.builder()");
    }

    /**
     * A builder whose errors name where its settings came from.
     *
     * @param source where the settings come from, for messages ({@code "application properties polystore.*"})
     * @return a new builder
     */
    public static Builder builder(String source) {
        return new Builder(java.util.Objects.requireNonNull(source, "source"));
    }

    /**
     * The repository for an entity type, in the store it is routed to. Created on first use and
     * cached; the id type is not checked at compile time: use {@link #repository(Class, Class)} for that.
     *
     * @param type the entity class
     * @param <T>  the entity type
     * @param <ID> the id type
     * @return the repository
     * @throws MappingException if the class cannot be an entity
     * @throws ConfigurationException if no store is routed for it
     */
    @SuppressWarnings("unchecked")
    public <T, ID> Repository<T, ID> repository(Class<T> type) {
        checkOpen();
        Repository<T, ID> r = repositories.get(type, () -> storeFor(type).repository(EntityModel.of(type)));
        if (listeners.isEmpty()) {
            return r;
        }
        return (Repository<T, ID>) listened.computeIfAbsent(type, t -> new io.polystore.internal.ListenedRepository<>(r, listeners));
    }

    /**
     * Adds a listener told about every call of the repositories this Polystore hands out from now on
     * (those handed out before stay as they were: add listeners right after building). Without
     * listeners repositories are the stores' own, with no indirection.
     *
     * @param listener the listener
     */
    public void addListener(OperationListener listener) {
        listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Like {@link #repository(Class)}, checking the id type.
     *
     * @param type   the entity class
     * @param idType the class of its id ({@code String.class}, {@code Long.class}, {@code UUID.class})
     * @param <T>    the entity type
     * @param <ID>   the id type
     * @return the repository
     * @throws MappingException if the id type differs
     */
    public <T, ID> Repository<T, ID> repository(Class<T> type, Class<ID> idType) {
        EntityModel<T> model = EntityModel.of(type);
        Class<?> actual = model.id().rawType();
        Class<?> boxed = actual == long.class ? Long.class : actual;
        if (boxed != idType) {
            throw new MappingException(type.getName() + "." + model.id().name() + ": id is " + actual.getName()
                    + ", not " + idType.getName());
        }
        return repository(type);
    }

    /**
     * @param name a store name
     * @return the store
     * @throws ConfigurationException if there is none by that name
     */
    public Store store(String name) {
        checkOpen();
        Store s = stores.get(name);
        if (s == null) {
            throw new ConfigurationException(source + ": no store named '" + name + "'; stores: " + stores.keySet());
        }
        return s;
    }

    /**
     * Copies every entity of a type from one store to another: see {@link Copy}. The routing does
     * not change; point the type at the target in the configuration once the copy is verified.
     *
     * @param type    the entity type
     * @param from    the source store's name
     * @param to      the target store's name
     * @param options batch size, checkpoint to resume from, verification, source deletion, progress
     * @param <T>     the entity type
     * @return what was copied and what the verification found
     * @throws ConfigurationException          naming an unknown store
     * @throws Copy.VerificationException      if the two sides differ afterwards (the source is then kept)
     */
    public <T> Copy.Report copy(Class<T> type, String from, String to, Copy.Options options) {
        return Copy.run(type, store(from), store(to), options);
    }

    /**
     * The store an entity type is routed to: configuration, then {@link io.polystore.annotation.Store @Store}, then the default.
     *
     * @param type an entity class
     * @return its store
     * @throws ConfigurationException if none applies or {@code @Store} names no store
     */
    public Store storeFor(Class<?> type) {
        checkOpen();
        String name = routes.get(type);
        if (name == null) {
            io.polystore.annotation.Store annotation = type.getAnnotation(io.polystore.annotation.Store.class);
            if (annotation != null) {
                Store s = stores.get(annotation.value());
                if (s == null) {
                    throw new ConfigurationException(type.getName() + ": @Store(\"" + annotation.value()
                            + "\") names no store configured in " + source + "; stores: " + stores.keySet());
                }
                return s;
            }
            name = defaultStore;
        }
        if (name == null) {
            throw new ConfigurationException(type.getName() + ": no store for this entity; route it under 'entities:' in "
                    + source + ", annotate it @Store(\"name\"), or set 'default:' (stores: " + stores.keySet() + ")");
        }
        return stores.get(name);
    }

    /** @return the namespace every store was opened in ({@link Builder#namespace}), or empty */
    public java.util.Optional<String> namespace() {
        return java.util.Optional.ofNullable(namespace);
    }

    /** @return the store names, in configuration order */
    public Set<String> storeNames() {
        return stores.keySet();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this Polystore is closed");
        }
    }

    /** Closes every store; the first failure is thrown after all were tried, the others suppressed. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeAll(new ArrayList<>(stores.values()));
    }

    private static void closeAll(List<Store> toClose) {
        RuntimeException failure = null;
        for (Store s : toClose) {
            try {
                s.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * The settings of a section of the configuration file that another module reads, such as
     * {@code page-cache:} for {@code PageCache.Builder.apply(polystore.settings("page-cache"), polystore.source())}.
     * Placeholders are expanded; list values are joined by line breaks.
     *
     * @param section the section name
     * @return its settings, or an empty map when the file has no such section (or there is no file)
     */
    public Map<String, String> settings(String section) {
        return sections.getOrDefault(section, Map.of());
    }

    /** @return where the configuration came from (a file name, {@code classpath:...}, or {@code builder}), for messages */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "Polystore" + stores.keySet() + " from " + source;
    }

    /**
     * Configures stores and routing in code. Not thread-safe; {@link #build()} opens the stores.
     * <pre>{@code
     * Polystore polystore = Polystore.builder()
     *         .store("main", "jdbc:sqlite:app.db", Map.of("schema", "create"))
     *         .store("sessions", "mem:")
     *         .route(Session.class, "sessions")
     *         .defaultStore("main")
     *         .build();
     * }</pre>
     */
    public static final class Builder {
        private final String source;
        private final Map<String, StoreConfig> stores = new LinkedHashMap<>();
        private final Map<String, Store> opened = new LinkedHashMap<>();
        private final Map<Class<?>, String> routes = new LinkedHashMap<>();
        private final Map<Class<?>, String> routeKeys = new LinkedHashMap<>();
        private String defaultStore;
        private ClassLoader classLoader;
        private final List<StoreProvider> providers = new ArrayList<>();

        private final Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        private String namespace;

        Builder(String source) {
            this.source = source;
        }

        /**
         * @param name a store name (letters, digits, {@code _ . -})
         * @param uri  the store's URI
         * @return this builder
         */
        public Builder store(String name, String uri) {
            return store(name, uri, Map.of());
        }

        /**
         * @param name    a store name (letters, digits, {@code _ . -})
         * @param uri     the store's URI
         * @param options back-end options
         * @return this builder
         * @throws ConfigurationException if the name is malformed or taken
         */
        public Builder store(String name, String uri, Map<String, String> options) {
            Objects.requireNonNull(uri, "uri");
            if (name == null || !STORE_NAME.matcher(name).matches()) {
                throw new ConfigurationException(source + ": store name '" + name
                        + "' must start with a letter or digit and hold only letters, digits, '_', '.' and '-'");
            }
            if (stores.containsKey(name) || opened.containsKey(name)) {
                throw new ConfigurationException(source + ": store '" + name + "' is configured twice");
            }
            stores.put(name, new StoreConfig(name, uri, options, source));
            return this;
        }

        /**
         * Adds a store that is already open (one built on an application's existing connection
         * factory, say). The Polystore closes it when it is closed.
         *
         * @param store an open store; its {@link Store#name()} is its name here
         * @return this builder
         * @throws ConfigurationException if the name is malformed or taken
         */
        public Builder store(Store store) {
            Objects.requireNonNull(store, "store");
            String name = store.name();
            if (name == null || !STORE_NAME.matcher(name).matches()) {
                throw new ConfigurationException(source + ": store name '" + name
                        + "' must start with a letter or digit and hold only letters, digits, '_', '.' and '-'");
            }
            if (stores.containsKey(name) || opened.containsKey(name)) {
                throw new ConfigurationException(source + ": store '" + name + "' is configured twice");
            }
            opened.put(name, store);
            return this;
        }

        /**
         * Routes an entity type to a store, overriding its {@code @Store} annotation.
         *
         * @param type  an entity class
         * @param store a store name
         * @return this builder
         */
        public Builder route(Class<?> type, String store) {
            return route(type, store, "route(" + type.getName() + ")");
        }

        Builder route(Class<?> type, String store, String key) {
            routes.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(store, "store"));
            routeKeys.put(type, key);
            return this;
        }

        /**
         * @param name the store for entity types that are neither configured nor annotated
         * @return this builder
         */
        public Builder defaultStore(String name) {
            this.defaultStore = name;
            return this;
        }

        /**
         * Keeps only the named stores among those configured by URI, and the routes and default that
         * point at them, so that {@link #build()} opens nothing else: a tool that works on two stores
         * of an application's configuration (the copy command) neither waits for nor needs the others.
         *
         * @param names the stores to keep
         * @return this builder
         * @throws ConfigurationException naming a store that is not configured
         */
        public Builder retainStores(java.util.Collection<String> names) {
            for (String name : names) {
                if (!stores.containsKey(name) && !opened.containsKey(name)) {
                    java.util.Set<String> all = new java.util.LinkedHashSet<>(stores.keySet());
                    all.addAll(opened.keySet());
                    throw new ConfigurationException(source + ": no store named '" + name + "'; stores: " + all);
                }
            }
            stores.keySet().retainAll(names);
            routes.values().removeIf(store -> !names.contains(store) && !opened.containsKey(store));
            routeKeys.keySet().retainAll(routes.keySet());
            if (defaultStore != null && !names.contains(defaultStore) && !opened.containsKey(defaultStore)) {
                defaultStore = null;
            }
            return this;
        }

        /**
         * Adds a back end for the URI schemes it names, asked before those found on the classpath:
         * how a framework integration opens stores on objects it holds (the Spring Boot starter's
         * {@code spring-data-redis:} URIs name a connection factory bean).
         *
         * @param provider a back end
         * @return this builder
         */
        public Builder provider(StoreProvider provider) {
            providers.add(Objects.requireNonNull(provider, "provider"));
            return this;
        }

        /**
         * @param loader where to look for back ends ({@link java.util.ServiceLoader}); default: the context class loader
         * @return this builder
         */
        public Builder classLoader(ClassLoader loader) {
            this.classLoader = loader;
            return this;
        }

        /**
         * Puts every store configured by URI in a namespace of its own: each back end puts the
         * namespace before the names of what it creates (the table prefix of relational stores,
         * the key prefix on Redis, the label prefix on Neo4j, database names on CouchDB, collection
         * names on Couchbase), so that two Polystores in different namespaces share a server and
         * never see each other's data. What tests use to run side by side on one server (the
         * testkit's {@code @PolystoreTest}); {@link io.polystore.spi.Droppable} removes a
         * namespace again.
         *
         * @param namespace lower-case letters, digits and {@code _}, starting with a letter
         * @return this builder
         * @throws ConfigurationException if the namespace is malformed
         */
        public Builder namespace(String namespace) {
            if (namespace == null || !namespace.matches("[a-z][a-z0-9_]*")) {
                throw new ConfigurationException(source + ": namespace '" + namespace
                        + "' must start with a lower-case letter and hold only lower-case letters, digits and '_'");
            }
            this.namespace = namespace;
            return this;
        }

        /** Records the settings of a section another module reads (see {@link Polystore#settings}). */
        Builder section(String name, Map<String, String> settings) {
            sections.put(name, Map.copyOf(settings));
            return this;
        }

        /**
         * Opens every store and validates every routed entity type.
         *
         * @return the Polystore
         * @throws ConfigurationException for bad configuration (or a namespace a store cannot
         *         have); stores already opened are closed again
         * @throws MappingException if a routed entity class cannot be mapped
         */
        public Polystore build() {
            java.util.Set<String> names = new java.util.LinkedHashSet<>(stores.keySet());
            names.addAll(opened.keySet());
            if (names.isEmpty()) {
                throw new ConfigurationException(source + ": no stores configured; add one, e.g. mem:");
            }
            for (Map.Entry<Class<?>, String> r : routes.entrySet()) {
                if (!names.contains(r.getValue())) {
                    throw new ConfigurationException(source + ": " + routeKeys.get(r.getKey()) + ": no store named '"
                            + r.getValue() + "'; stores: " + names);
                }
            }
            String dflt = defaultStore;
            if (dflt != null && !names.contains(dflt)) {
                throw new ConfigurationException(source + ": default: no store named '" + dflt + "'; stores: " + names);
            }
            if (dflt == null && names.size() == 1) {
                dflt = names.iterator().next();
            }
            for (Class<?> type : routes.keySet()) {
                EntityModel.of(type);
            }
            ClassLoader loader = classLoader != null ? classLoader : Thread.currentThread().getContextClassLoader();
            Providers providers = new Providers(loader != null ? loader : Polystore.class.getClassLoader(), this.providers);
            Map<String, Store> open = new LinkedHashMap<>(opened);
            try {
                if (namespace != null && !opened.isEmpty()) {
                    throw new ConfigurationException(source + ": namespace '" + namespace + "': store '"
                            + opened.keySet().iterator().next() + "' was added open and cannot be put in a namespace;"
                            + " configure it by URI");
                }
                for (StoreConfig given : stores.values()) {
                    StoreProvider provider = providers.forConfig(given);
                    StoreConfig config = given;
                    if (namespace != null) {
                        config = provider.inNamespace(given, namespace);
                        if (config == null) {
                            throw new ConfigurationException(source + ": namespace '" + namespace + "': store '" + given.name()
                                    + "' (" + given.redactedUri() + ") has no namespaces; its back end cannot share a server"
                                    + " between namespaces");
                        }
                    }
                    Store store = provider.open(config);
                    StoreConfig done = config;
                    open.put(config.name(), store);
                    LOG.log(Level.INFO, () -> "polystore - opened store '" + done.name() + "' at " + done.redactedUri()
                            + (namespace == null ? "" : " in namespace '" + namespace + "'"));
                }
            } catch (RuntimeException e) {
                try {
                    closeAll(new ArrayList<>(open.values()));
                } catch (RuntimeException closing) {
                    e.addSuppressed(closing);
                }
                throw e;
            }
            Polystore polystore = new Polystore(Collections.unmodifiableMap(open), Map.copyOf(routes), dflt, source,
                    Map.copyOf(sections), namespace);
            try {
                // routed types get their repositories now, so tables are created or validated at startup
                for (Class<?> type : routes.keySet()) {
                    polystore.repository(type);
                }
            } catch (RuntimeException e) {
                try {
                    polystore.close();
                } catch (RuntimeException closing) {
                    e.addSuppressed(closing);
                }
                throw e;
            }
            return polystore;
        }
    }
}

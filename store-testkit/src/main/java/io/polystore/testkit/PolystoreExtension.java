package io.polystore.testkit;

import io.polystore.ConfigurationException;
import io.polystore.Polystore;
import io.polystore.Repository;
import io.polystore.spi.Droppable;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The JUnit 5 extension behind {@link PolystoreTest}: opens the Polystore in a fresh namespace,
 * resolves {@code Polystore} and {@code Repository<T, ID>} parameters, and drops the namespace and
 * closes everything when the class (or method) is done.
 */
public final class PolystoreExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(PolystoreExtension.class);
    private static final String KEY = "polystore";

    @Override
    public void beforeAll(ExtensionContext context) {
        if (settings(context).lifecycle() == PolystoreTest.Lifecycle.PER_CLASS) {
            resource(context);   // opened now, so that a bad configuration fails the class before its first test
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        resource(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == Polystore.class || type == Repository.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Polystore polystore = resource(context).polystore;
        if (parameter.getParameter().getType() == Polystore.class) {
            return polystore;
        }
        Type type = parameter.getParameter().getParameterizedType();
        if (type instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof Class<?> entity) {
            return polystore.repository(entity);
        }
        throw new ParameterResolutionException("@PolystoreTest: parameter '" + parameter.getParameter().getName() + "' of "
                + parameter.getDeclaringExecutable() + ": declare the entity type, as in Repository<User, String> users");
    }

    private static PolystoreTest settings(ExtensionContext context) {
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            if (c.getTestClass().isPresent()) {
                var found = AnnotationSupport.findAnnotation(c.getTestClass().get(), PolystoreTest.class);
                if (found.isPresent()) {
                    return found.get();
                }
            }
        }
        throw new IllegalStateException("@PolystoreTest is not on " + context.getDisplayName() + " or a class enclosing it");
    }

    /** The Polystore of the context: the test method's with PER_METHOD, else the outermost annotated class's. */
    private static Resource resource(ExtensionContext context) {
        PolystoreTest settings = settings(context);
        ExtensionContext owner = owner(context, settings);
        return owner.getStore(NS).getOrComputeIfAbsent(KEY, k -> Resource.open(settings, owner), Resource.class);
    }

    private static ExtensionContext owner(ExtensionContext context, PolystoreTest settings) {
        if (settings.lifecycle() == PolystoreTest.Lifecycle.PER_METHOD && context.getTestMethod().isPresent()) {
            return context;
        }
        ExtensionContext owner = null;
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            if (c.getTestClass().isPresent() && c.getTestMethod().isEmpty()
                    && AnnotationSupport.isAnnotated(c.getTestClass().get(), PolystoreTest.class)) {
                owner = c;   // the outermost annotated class wins: @Nested classes share it
            }
        }
        return owner != null ? owner : context;
    }

    /** A Polystore in its own namespace, closed by JUnit with the context that holds it. */
    static final class Resource implements AutoCloseable {
        final Polystore polystore;
        final String namespace;
        private final Path directory;

        private Resource(Polystore polystore, String namespace, Path directory) {
            this.polystore = polystore;
            this.namespace = namespace;
            this.directory = directory;
        }

        static Resource open(PolystoreTest settings, ExtensionContext owner) {
            String namespace = "pt" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
            Path directory = null;
            Polystore.Builder builder;
            try {
                if (!settings.config().isEmpty()) {
                    builder = configBuilder(settings.config(), owner);
                } else {
                    String uri = settings.store();
                    if (uri.isEmpty()) {
                        directory = Files.createTempDirectory("polystore-test-");
                        uri = "jdbc:sqlite:" + directory.resolve("polystore.db");
                    }
                    builder = Polystore.builder("@PolystoreTest on " + owner.getDisplayName()).store("default", uri);
                }
                return new Resource(builder.namespace(namespace).build(), namespace, directory);
            } catch (IOException e) {
                deleteQuietly(directory);
                throw new UncheckedIOException("@PolystoreTest: cannot create a temporary directory", e);
            } catch (RuntimeException e) {
                deleteQuietly(directory);
                throw e;
            }
        }

        private static Polystore.Builder configBuilder(String config, ExtensionContext owner) throws IOException {
            ClassLoader loader = owner.getRequiredTestClass().getClassLoader();
            try (InputStream in = loader.getResourceAsStream(config.startsWith("/") ? config.substring(1) : config)) {
                if (in != null) {
                    return Polystore.yamlBuilder(new String(in.readAllBytes(), StandardCharsets.UTF_8), "classpath:" + config,
                            TestServers::variable);
                }
            }
            Path file = Path.of(config);
            if (!Files.isRegularFile(file)) {
                throw new ConfigurationException("@PolystoreTest(config = \"" + config + "\") on " + owner.getDisplayName()
                        + ": no such class-path resource or file (working directory " + Path.of("").toAbsolutePath() + ")");
            }
            return Polystore.yamlBuilder(Files.readString(file, StandardCharsets.UTF_8), file.toString(), TestServers::variable);
        }

        /** Drops the namespace of every store that can, closes the Polystore, deletes the directory; reports the first failure. */
        @Override
        public void close() {
            List<RuntimeException> failures = new ArrayList<>();
            for (String name : polystore.storeNames()) {
                try {
                    polystore.store(name).findCapability(Droppable.class).ifPresent(Droppable::drop);
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }
            try {
                polystore.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
            deleteQuietly(directory);
            if (!failures.isEmpty()) {
                RuntimeException first = failures.get(0);
                failures.subList(1, failures.size()).forEach(first::addSuppressed);
                throw first;
            }
        }

        private static void deleteQuietly(Path directory) {
            if (directory == null) {
                return;
            }
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                // a temporary directory left behind is not worth failing a test for
            }
        }
    }
}

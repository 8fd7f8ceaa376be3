package io.polystore;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API applications use ({@code io.polystore}, {@code .annotation}, {@code .query},
 * {@code .mapping}) shows no Jackson type: not in a public or protected method, constructor or
 * field, nor in their generics. (The SPI for back-end authors, {@code io.polystore.spi}, may.)
 */
class PublicApiTest {
    private static final List<String> API = List.of("io/polystore", "io/polystore/annotation", "io/polystore/query",
            "io/polystore/mapping");

    @Test
    void noJacksonTypeInThePublicApi() throws Exception {
        List<Class<?>> classes = apiClasses();
        assertThat(classes).as("API classes found").hasSizeGreaterThan(30)
                .contains(Polystore.class, io.polystore.mapping.PropertyModel.class, io.polystore.mapping.PropertyPath.class,
                        io.polystore.mapping.EntityModel.class, io.polystore.mapping.Mapping.class);
        List<String> leaks = new ArrayList<>();
        for (Class<?> c : classes) {
            if (!Modifier.isPublic(c.getModifiers())) {
                continue;
            }
            for (Method m : c.getDeclaredMethods()) {
                if (visible(m.getModifiers()) && !m.isSynthetic()) {
                    check(leaks, c.getName() + "." + m.getName(), m.toGenericString());
                }
            }
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (visible(k.getModifiers())) {
                    check(leaks, c.getName() + ".<init>", k.toGenericString());
                }
            }
            for (Field f : c.getDeclaredFields()) {
                if (visible(f.getModifiers())) {
                    check(leaks, c.getName() + "." + f.getName(), f.toGenericString());
                }
            }
            check(leaks, c.getName() + " (supertypes)", String.valueOf(c.getGenericSuperclass()) + " "
                    + List.of(c.getGenericInterfaces()));
        }
        assertThat(leaks).as("public members that show Jackson types").isEmpty();
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static void check(List<String> leaks, String member, String signature) {
        if (signature.contains("com.fasterxml")) {
            leaks.add(member + ": " + signature);
        }
    }

    private static List<Class<?>> apiClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(Polystore.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> out = new ArrayList<>();
        for (String pkg : API) {
            try (Stream<Path> files = Files.list(root.resolve(pkg))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                    String name = root.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                    out.add(Class.forName(name, false, PublicApiTest.class.getClassLoader()));
                }
            }
        }
        return out;
    }
}

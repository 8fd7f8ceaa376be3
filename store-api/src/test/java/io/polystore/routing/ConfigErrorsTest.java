package io.polystore.routing;

import io.polystore.ConfigurationException;
import io.polystore.Polystore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad configuration fails at startup, naming the file, the key and the bad value. */
class ConfigErrorsTest {
    @TempDir
    Path dir;

    private ConfigurationException fails(String yaml) throws IOException {
        return fails(yaml, Map.of());
    }

    private ConfigurationException fails(String yaml, Map<String, String> env) throws IOException {
        Path file = dir.resolve("app-polystore.yaml");
        Files.writeString(file, yaml);
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> Polystore.fromConfig(file, env::get).close());
        assertThat(t).isInstanceOf(ConfigurationException.class);
        assertThat(t.getMessage()).startsWith(file.toString() + ": ");
        return (ConfigurationException) t;
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> Polystore.fromConfig(missing)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("nope.yaml").hasMessageContaining("cannot read");
    }

    @Test
    void invalidYamlGivesTheLine() throws IOException {
        assertThat(fails("stores:\n  main: \"mem:\"\n   bad: [unclosed\n").getMessage()).contains("not valid YAML").contains("line");
        assertThat(fails("stores:\n  main: mem:\n").getMessage()).contains("line 2").contains("quote values");
    }

    @Test
    void duplicateKeysAreRefused() throws IOException {
        assertThat(fails("stores:\n  main: \"mem:\"\n  main: mem:x\n").getMessage()).contains("main");
    }

    @Test
    void anEmptyFileSaysWhatIsNeeded() throws IOException {
        assertThat(fails("").getMessage()).contains("stores");
    }

    @Test
    void anUnknownTopLevelKeyIsNamed() throws IOException {
        assertThat(fails("stroes:\n  main: \"mem:\"\n").getMessage()).contains("stroes: unknown key");
    }

    @Test
    void storesMustNotBeEmpty() throws IOException {
        assertThat(fails("stores: {}\n").getMessage()).contains("stores: at least one store");
    }

    @Test
    void anUnknownSchemeIsNamedWithTheValue() throws IOException {
        ConfigurationException e = fails("stores:\n  main: foo://somewhere\n");
        assertThat(e.getMessage()).contains("stores.main.uri").contains("unknown URI scheme 'foo'").contains("foo://somewhere")
                .contains("mem");
    }

    @Test
    void aSpringDataRedisUriOutsideSpringBootSaysWhatToDoInstead() throws IOException {
        assertThat(fails("stores:\n  kv: 'spring-data-redis:'\n").getMessage()).contains("stores.kv.uri")
                .contains("polystore-spring-boot-starter").contains("SpringDataRedis.store(");
    }

    @Test
    void aProviderGivenToTheBuilderOpensItsSchemesBeforeTheClasspath() {
        io.polystore.spi.StoreProvider own = new io.polystore.spi.StoreProvider() {
            @Override
            public java.util.Set<String> schemes() {
                return java.util.Set.of("custom", "mem");
            }

            @Override
            public io.polystore.Store open(io.polystore.spi.StoreConfig config) {
                throw config.invalidUri("opened by the builder's provider");
            }
        };
        assertThatThrownBy(() -> io.polystore.Polystore.yamlBuilder("stores:\n  a: 'custom:x'\n", "t.yaml", n -> null)
                .provider(own).build()).hasMessageContaining("t.yaml: stores.a.uri: opened by the builder's provider");
        assertThatThrownBy(() -> io.polystore.Polystore.builder().store("m", "mem:").provider(own).build())
                .hasMessageContaining("opened by the builder's provider");
    }

    @Test
    void retainedStoresAreTheOnlyOnesOpened() throws IOException {
        Path file = dir.resolve("retain.yaml");
        Files.writeString(file, """
                stores:
                  a: "mem:a"
                  b: "mem:b"
                  broken: "nosuch://never-opened"
                default: broken
                entities:
                  io.polystore.routing.ConfigErrorsTest$Thing: broken
                """);
        assertThatThrownBy(() -> Polystore.fromConfig(file)).hasMessageContaining("nosuch");
        try (Polystore p = Polystore.configBuilder(file).retainStores(java.util.List.of("a", "b")).build()) {
            assertThat(p.storeNames()).containsExactly("a", "b");
        }
        assertThatThrownBy(() -> Polystore.configBuilder(file).retainStores(java.util.List.of("a", "c")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("no store named 'c'")
                .hasMessageContaining("[a, b, broken]");
    }

    /** An entity type for routes. */
    public record Thing(@io.polystore.annotation.Id String id) {
    }

    @Test
    void aSchemeWhoseModuleIsMissingNamesTheArtifact() throws IOException {
        assertThat(fails("stores:\n  kv: redis://localhost:6379\n").getMessage())
                .contains("stores.kv.uri").contains("io.polystore:store-keyvalue");
        assertThat(fails("stores:\n  db: jdbc:postgresql://localhost/test\n").getMessage())
                .contains("io.polystore:store-relational");
        assertThat(fails("stores:\n  docs: couchbase://localhost\n").getMessage()).contains("io.polystore:store-document");
        assertThat(fails("stores:\n  g: neo4j://localhost\n").getMessage()).contains("io.polystore:store-graph");
    }

    @Test
    void passwordsInUrisNeverReachMessages() throws IOException {
        ConfigurationException e = fails("stores:\n  kv: redis://app:s3cr3t@localhost:6379/0?password=other\n");
        assertThat(e.getMessage()).doesNotContain("s3cr3t").doesNotContain("other").contains("app:***@localhost");
    }

    @Test
    void anUnknownStoreKeyIsNamed() throws IOException {
        assertThat(fails("stores:\n  main:\n    url: \"mem:\"\n").getMessage()).contains("stores.main.url: unknown key");
    }

    @Test
    void aStoreWithoutUriIsNamed() throws IOException {
        assertThat(fails("stores:\n  main:\n    options: {a: b}\n").getMessage()).contains("stores.main.uri: missing");
    }

    @Test
    void optionsMustBeAMappingOfValues() throws IOException {
        assertThat(fails("stores:\n  main:\n    uri: \"mem:\"\n    options: [a, b]\n").getMessage())
                .contains("stores.main.options: expected a mapping");
        assertThat(fails("stores:\n  main:\n    uri: \"mem:\"\n    options:\n      nested: {a: b}\n").getMessage())
                .contains("stores.main.options.nested: expected a single value");
    }

    @Test
    void aBadStoreNameIsNamed() throws IOException {
        assertThat(fails("stores:\n  'bad name': \"mem:\"\n").getMessage()).contains("stores.bad name");
    }

    @Test
    void anEntityRoutedToAnUnknownStoreIsNamed() throws IOException {
        assertThat(fails("stores:\n  main: \"mem:\"\nentities:\n  io.polystore.routing.Entities$User: mian\n").getMessage())
                .contains("entities.io.polystore.routing.Entities$User: no store named 'mian'").contains("[main]");
    }

    @Test
    void anUnknownEntityClassIsNamed() throws IOException {
        assertThat(fails("stores:\n  main: \"mem:\"\nentities:\n  com.acme.Usr: main\n").getMessage())
                .contains("entities.com.acme.Usr: no class named 'com.acme.Usr'");
    }

    @Test
    void anUnknownDefaultIsNamed() throws IOException {
        assertThat(fails("stores:\n  main: \"mem:\"\ndefault: other\n").getMessage()).contains("default: no store named 'other'");
    }

    @Test
    void aMissingVariableWithoutDefaultIsNamed() throws IOException {
        assertThat(fails("stores:\n  main: ${MAIN_URI}\n").getMessage())
                .contains("stores.main: environment variable MAIN_URI is not set");
        assertThat(fails("stores:\n  main: ${MAIN_URI\n").getMessage()).contains("unclosed");
    }

    @Test
    void variablesAndDefaultsAreExpanded() throws IOException {
        Path file = dir.resolve("ok.yaml");
        Files.writeString(file, "stores:\n  main: ${MAIN_URI:mem:main}\n  second: ${SECOND}\n  literal: mem:$${x}\n");
        try (Polystore p = Polystore.fromConfig(file, Map.of("SECOND", "mem:second")::get)) {
            assertThat(p.store("main").describe()).isEqualTo("mem:main");
            assertThat(p.store("second").describe()).isEqualTo("mem:second");
            assertThat(p.store("literal").describe()).isEqualTo("mem:${x}");
        }
    }

    @Test
    void anInvalidEntityFailsAtStartupNamingTheClass() throws IOException {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> {
            Path file = dir.resolve("bad-entity.yaml");
            Files.writeString(file, "stores:\n  main: \"mem:\"\nentities:\n  io.polystore.routing.Entities$NoId: main\n");
            Polystore.fromConfig(file).close();
        });
        assertThat(t).isInstanceOf(io.polystore.MappingException.class).hasMessageContaining("Entities$NoId")
                .hasMessageContaining("no id field");
    }

    @Test
    void builderErrorsNameTheBuilder() {
        assertThatThrownBy(() -> Polystore.builder().build()).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Polystore.builder()").hasMessageContaining("no stores");
        assertThatThrownBy(() -> Polystore.builder().store("a", "mem:").store("a", "mem:"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'a' is configured twice");
        assertThatThrownBy(() -> Polystore.builder().store("a", "mem:").route(Entities.User.class, "b").build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("no store named 'b'");
        assertThatThrownBy(() -> Polystore.builder().store("a", "nothing").build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("no URI scheme");
    }
}

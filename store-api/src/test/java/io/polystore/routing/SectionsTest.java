package io.polystore.routing;

import io.polystore.ConfigurationException;
import io.polystore.Polystore;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Sections of the configuration file that other modules read (the page cache). */
class SectionsTest {
    @Test
    void thePageCacheSectionIsHandedOverAsSettingsWithPlaceholdersExpanded() {
        String yaml = """
                stores:
                  main: "mem:"
                page-cache:
                  redis: ${REDIS_URL:redis://127.0.0.1:6379}
                  max-body: 512KiB
                  hosts: [example.com, www.example.com]
                  routes:
                    - /account/** -> never
                    - /blog/** -> 5m
                """;
        try (Polystore p = Polystore.fromYaml(yaml, "app.yaml", Map.of("REDIS_URL", "redis://cache:6379")::get)) {
            Map<String, String> s = p.settings("page-cache");
            assertThat(s).containsEntry("redis", "redis://cache:6379").containsEntry("max-body", "512KiB")
                    .containsEntry("hosts", "example.com\nwww.example.com")
                    .containsEntry("routes", "/account/** -> never\n/blog/** -> 5m");
            assertThat(p.settings("other")).isEmpty();
            assertThat(p.source()).isEqualTo("app.yaml");
        }
    }

    @Test
    void aSectionThatIsNotAMappingIsNamed() {
        assertThatThrownBy(() -> Polystore.fromYaml("stores:\n  main: \"mem:\"\npage-cache: yes\n", "app.yaml", k -> null))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("app.yaml: page-cache: expected a mapping of settings");
        assertThatThrownBy(() -> Polystore.fromYaml("stores:\n  main: \"mem:\"\npage-cache:\n  hosts: {a: b}\n", "app.yaml",
                k -> null)).hasMessageContaining("app.yaml: page-cache.hosts: expected a single value");
    }
}

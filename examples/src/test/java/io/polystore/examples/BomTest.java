package io.polystore.examples;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The BOM lists every module a user can depend on, at the project's version, and nothing else. */
class BomTest {
    /** Modules that are applications or the BOM itself, not libraries. */
    private static final Set<String> NOT_LIBRARIES = Set.of("polystore-bom", "bench", "examples", "demo");

    @Test
    void theBomManagesEveryLibraryModuleAtTheProjectVersion() throws IOException {
        String root = Files.readString(Path.of("..", "pom.xml"));
        List<String> libraries = new ArrayList<>();
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(root);
        while (m.find()) {
            if (!NOT_LIBRARIES.contains(m.group(1))) {
                libraries.add(m.group(1));
            }
        }
        assertThat(libraries).contains("store-api", "store-relational", "page-cache");
        String bom = Files.readString(Path.of("..", "polystore-bom", "pom.xml"));
        assertThat(bom).doesNotContain("<parent>");
        List<String> managed = new ArrayList<>();
        Matcher d = Pattern.compile("<dependency>\\s*<groupId>io\\.polystore</groupId>\\s*<artifactId>([^<]+)</artifactId>\\s*"
                + "<version>\\$\\{project\\.version}</version>\\s*</dependency>").matcher(bom);
        while (d.find()) {
            managed.add(d.group(1));
        }
        for (String module : libraries) {
            String artifact = artifactId(Path.of("..", module, "pom.xml"));
            assertThat(managed).as("the BOM manages %s", artifact).contains(artifact);
        }
        assertThat(managed).hasSize(libraries.size()).doesNotHaveDuplicates();
        String version = first(Pattern.compile("<artifactId>polystore-parent</artifactId>\\s*<version>([^<]+)</version>"), root);
        assertThat(first(Pattern.compile("<artifactId>polystore-bom</artifactId>\\s*<version>([^<]+)</version>"), bom)).isEqualTo(version);
    }

    private static String artifactId(Path pom) throws IOException {
        String text = Files.readString(pom);
        String withoutParent = text.replaceAll("(?s)<parent>.*?</parent>", "");
        return first(Pattern.compile("<artifactId>([^<]+)</artifactId>"), withoutParent);
    }

    private static String first(Pattern p, String text) {
        Matcher m = p.matcher(text);
        assertThat(m.find()).as("%s in the text", p).isTrue();
        return m.group(1);
    }
}

package io.polystore.examples;

import io.polystore.Polystore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class QuickStartTest {

    @TempDir
    Path dir;

    @AfterEach
    void clear() {
        System.clearProperty("POLYSTORE_MAIN_URI");
    }

    @Test
    void theExampleRoutesEachEntityToItsStoreAndReportsWhatItDid() {
        System.setProperty("POLYSTORE_MAIN_URI", "jdbc:sqlite:" + dir.resolve("example.db"));
        String first = runExample();
        assertThat(first)
                .contains("routing: User -> main (jdbc:sqlite:" + dir.resolve("example.db")
                        + "), Session -> sessions (mem:sessions), Post -> social (mem:social)")
                .doesNotContain("cleared");
        String second = runExample();
        assertThat(second).as("a second run finds the first run's users in the SQLite file").contains("cleared 5 users");
    }

    private String runExample() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Polystore polystore = Polystore.fromResource("polystore.yaml");
             PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            QuickStart.run(polystore, out);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(printed)
                .contains("saved 5 users in main")
                .contains("moved Ada to Cambridge: version 1 -> 2")
                .contains("stale save refused")
                .contains("users in London: [Barbara]")
                .contains("page 1: [Ada, Alan]").contains("page 2: [Barbara, Edsger]").contains("page 3: [Grace]")
                .contains("sessions live: 1")
                .contains("views of /home: 3")
                .contains("followers of Ada: 4")
                .contains("Ada's followers in London: [Barbara]")
                .contains("transaction rolled back: Ada still exists = true")
                .endsWith("done" + System.lineSeparator());
        return printed;
    }
}

package io.polystore.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Runs the bench's command line in the test's JVM, capturing what it prints. */
public final class Cli {
    private Cli() {
    }

    /** @return the exit code; what was printed is appended to {@code out} and {@code err} */
    public static int run(StringBuilder out, StringBuilder err, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = BenchMain.run(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        out.append(o.toString(StandardCharsets.UTF_8));
        err.append(e.toString(StandardCharsets.UTF_8));
        return code;
    }

    /** @return the result file the printed {@code result: <file>} line names, parsed */
    public static JsonNode result(String out) throws IOException {
        Path file = Path.of(out.substring(out.indexOf("result: ") + 8).trim());
        return new ObjectMapper().readTree(file.toFile());
    }
}

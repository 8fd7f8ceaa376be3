package io.polystore.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Builds test settings: port 0, a new data directory, a small seed, cheap bcrypt. */
final class DemoTesting {
    private DemoTesting() {
    }

    static Demo.Settings settings(String resource, Map<String, String> variables) {
        return settings(resource, variables, null, null, null);
    }

    static Demo.Settings settings(String resource, Map<String, String> variables, String issuer, String client, String secret) {
        return settings(resource, variables, issuer, client, secret, 30, "test");
    }

    static Demo.Settings settings(String resource, Map<String, String> variables, String issuer, String client, String secret,
                                  int seedUsers, String node) {
        try (InputStream in = DemoTesting.class.getResourceAsStream("/" + resource)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Path data = Files.createTempDirectory("polynotes-test");
            data.toFile().deleteOnExit();
            return new Demo.Settings(text, "classpath:" + resource, "127.0.0.1", 0, data, node, seedUsers, 200, variables,
                    issuer, client, secret, "Test ID", null, 4, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.polystore.demo;

import io.polystore.ConfigurationException;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.logging.LogManager;

/**
 * The command line: {@code java -jar demo/target/polystore-demo.jar [options]}.
 *
 * <pre>
 * --config FILE        a configuration file (default: the bundled polystore.yaml, embedded stores)
 * --services           the bundled polystore-services.yaml (PostgreSQL, MariaDB, Redis; see the file)
 * --port N             default $PORT or 8080 (0: any free port)
 * --host ADDRESS       default 127.0.0.1 (0.0.0.0 to listen on every interface)
 * --data DIR           where embedded stores keep their files (default ./data/demo)
 * --node NAME          this node's name in the footer and logs (default: the host name)
 * --forwarded          trust Forwarded / X-Forwarded-* headers (behind a TLS-terminating proxy that sets them)
 * --seed-users N, --seed-notes N   what an empty app is filled with (default 300 and 3000; 0: nothing)
 * --oidc-issuer URL --oidc-client-id ID --oidc-client-secret S [--oidc-label NAME] [--base-url URL]
 *                      sign-in with an OpenID Connect provider (or DEMO_OIDC_ISSUER, DEMO_OIDC_CLIENT_ID,
 *                      DEMO_OIDC_CLIENT_SECRET, DEMO_OIDC_LABEL, DEMO_BASE_URL)
 * </pre>
 */
public final class DemoApp {
    private DemoApp() {
    }

    /**
     * @param args the options above
     */
    public static void main(String[] args) {
        try (InputStream logging = DemoApp.class.getResourceAsStream("/polynotes-logging.properties")) {
            if (logging != null && System.getProperty("java.util.logging.config.file") == null) {
                LogManager.getLogManager().readConfiguration(logging);
            }
        } catch (IOException e) {
            System.err.println("polystore-demo: logging configuration: " + e);
        }
        Demo.Settings settings;
        try {
            settings = parse(args);
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("polystore-demo: " + e.getMessage());
            System.err.println("usage: java -jar polystore-demo.jar [--config FILE | --services] [--port N] [--host ADDRESS] "
                    + "[--data DIR] [--node NAME] [--forwarded] [--seed-users N] [--seed-notes N] [--oidc-issuer URL --oidc-client-id ID "
                    + "--oidc-client-secret SECRET] [--oidc-label NAME] [--base-url URL]");
            System.exit(2);
            return;
        }
        long start = System.nanoTime();
        System.out.println("Polynotes: starting on " + settings.source() + " (data in " + settings.dataDir().toAbsolutePath() + ")");
        Demo demo;
        try {
            demo = Demo.start(settings, System.out);
        } catch (ConfigurationException e) {
            System.err.println("polystore-demo: " + e.getMessage());
            System.exit(2);
            return;
        } catch (Exception e) {
            System.err.println("polystore-demo: could not start: " + e);
            e.printStackTrace();
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Polynotes: stopping");
            demo.close();
        }, "shutdown"));
        System.out.printf("Polynotes is up in %.1f s: %s  (sign in as '%s', password '%s'; Ctrl-C stops)%n",
                (System.nanoTime() - start) / 1e9, demo.url(), Seeder.DEMO_HANDLE, Seeder.DEMO_PASSWORD);
    }

    static Demo.Settings parse(String[] args) throws IOException {
        String configFile = null;
        boolean services = false;
        String env = System.getenv("PORT");
        int port = env == null ? 8080 : Integer.parseInt(env);
        String host = "127.0.0.1";
        Path data = Path.of(System.getenv().getOrDefault("DEMO_DATA_DIR", "./data/demo"));
        String node = null;
        int users = 300;
        int notes = 3000;
        String issuer = System.getenv("DEMO_OIDC_ISSUER");
        String client = System.getenv("DEMO_OIDC_CLIENT_ID");
        String secret = System.getenv("DEMO_OIDC_CLIENT_SECRET");
        String label = System.getenv().getOrDefault("DEMO_OIDC_LABEL", "OpenID Connect");
        String baseUrl = System.getenv("DEMO_BASE_URL");
        boolean forwarded = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--services" -> services = true;
                case "--forwarded" -> forwarded = true;
                case "--config" -> configFile = value(args, ++i, a);
                case "--port" -> port = number(value(args, ++i, a), a);
                case "--host" -> host = value(args, ++i, a);
                case "--data" -> data = Path.of(value(args, ++i, a));
                case "--node" -> node = value(args, ++i, a);
                case "--seed-users" -> users = number(value(args, ++i, a), a);
                case "--seed-notes" -> notes = number(value(args, ++i, a), a);
                case "--oidc-issuer" -> issuer = value(args, ++i, a);
                case "--oidc-client-id" -> client = value(args, ++i, a);
                case "--oidc-client-secret" -> secret = value(args, ++i, a);
                case "--oidc-label" -> label = value(args, ++i, a);
                case "--base-url" -> baseUrl = value(args, ++i, a);
                default -> throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        if (issuer != null && !issuer.isBlank() && (client == null || secret == null)) {
            throw new IllegalArgumentException("--oidc-issuer needs --oidc-client-id and --oidc-client-secret too");
        }
        if (configFile != null && services) {
            throw new IllegalArgumentException("--config and --services exclude each other");
        }
        String text;
        String source;
        if (configFile != null) {
            Path file = Path.of(configFile);
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("--config " + configFile + ": no such file");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
            source = file.toString();
        } else {
            String resource = services ? "polystore-services.yaml" : "polystore.yaml";
            try (InputStream in = DemoApp.class.getResourceAsStream("/" + resource)) {
                if (in == null) {
                    throw new IllegalStateException("the jar has no " + resource);
                }
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            source = "classpath:" + resource;
        }
        if (node == null) {
            try {
                node = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                node = "local";
            }
        }
        return new Demo.Settings(text, source, host, port, data, node, users, notes, Map.of(), issuer, client, secret, label,
                baseUrl, 10, forwarded);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int number(String v, String option) {
        try {
            int n = Integer.parseInt(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " '" + v + "': expected a whole number, 0 or more");
        }
    }
}

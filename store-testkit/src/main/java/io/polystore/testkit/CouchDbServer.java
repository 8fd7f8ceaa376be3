package io.polystore.testkit;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A CouchDB-API server for tests: {@code pouchdb-server} (npm {@code pouchdb-server@4.2.0}) in
 * memory on a free loopback port, its configuration and log in a temporary directory. The binary is
 * {@code POLYSTORE_POUCHDB_SERVER}, else the one {@link #install} put under
 * {@code ~/.cache/polystore/pouchdb-server} (installing it with npm on first use: {@code .ci/run}
 * does so before the tests), else {@code pouchdb-server} on the PATH. Killed at JVM exit or by
 * {@link #close()}.
 */
public final class CouchDbServer implements AutoCloseable {
    /** The npm package the tests run. */
    public static final String PACKAGE = "pouchdb-server@4.2.0";
    private static CouchDbServer shared;

    private final Process process;
    private final int port;
    private final Path dir;

    private CouchDbServer(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /**
     * @return one server per JVM, started on first use
     * @throws IllegalStateException if it cannot be installed or started
     */
    public static synchronized CouchDbServer shared() {
        if (shared == null || !shared.process.isAlive()) {
            shared = start();
            CouchDbServer s = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(s::close, "pouchdb-server-stop"));
        }
        return shared;
    }

    /**
     * Starts a new server on a free port.
     *
     * @return the running server, answering {@code GET /}
     * @throws IllegalStateException if it cannot be installed or started
     */
    public static CouchDbServer start() {
        return start(RedisServer.freePort());
    }

    /**
     * Starts a server on a given port (to restart one that was stopped, at the same address).
     *
     * @param port a loopback port
     * @return the running server
     * @throws IllegalStateException if it cannot be installed or started
     */
    public static CouchDbServer start(int port) {
        String binary = binary();
        try {
            Path dir = Files.createTempDirectory("polystore-pouchdb-");
            Process p = new ProcessBuilder(binary, "-m", "-n", "-p", Integer.toString(port), "-o", "127.0.0.1",
                    "-c", dir.resolve("config.json").toString(), "-d", dir.toString())
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
            CouchDbServer server = new CouchDbServer(p, port, dir);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    throw new IllegalStateException(binary + " exited with " + p.exitValue() + ": "
                            + Files.readString(dir.resolve("server.log")));
                }
                if (answers(port)) {
                    return server;
                }
                Thread.sleep(50);
            }
            server.close();
            throw new IllegalStateException(binary + " did not answer on port " + port + " within 30 s");
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + binary + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting pouchdb-server", e);
        }
    }

    private static boolean answers(int port) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/").toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(1000);
            int status = c.getResponseCode();
            c.disconnect();
            return status == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** @return the binary to run, installing it first if needed */
    private static String binary() {
        String configured = TestServers.variable("POLYSTORE_POUCHDB_SERVER");
        if (configured != null) {
            return configured;
        }
        Path installed = installDir().resolve("node_modules/.bin/pouchdb-server");
        if (Files.isExecutable(installed)) {
            return installed.toString();
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, "pouchdb-server");
            if (!dir.isEmpty() && Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return install().toString();
    }

    /** @return where {@link #install} puts the package */
    public static Path installDir() {
        return Path.of(System.getProperty("user.home"), ".cache", "polystore", "pouchdb-server");
    }

    /**
     * Installs {@link #PACKAGE} with npm (without running its scripts) unless it is there already;
     * one JVM at a time.
     *
     * @return the binary
     * @throws IllegalStateException if npm is missing or fails (offline, ...)
     */
    public static synchronized Path install() {
        Path dir = installDir();
        Path bin = dir.resolve("node_modules/.bin/pouchdb-server");
        try {
            Files.createDirectories(dir);
            try (FileChannel lockFile = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockFile.lock()) {
                if (Files.isExecutable(bin)) {
                    return bin;
                }
                Process npm = new ProcessBuilder("npm", "install", "--ignore-scripts", "--no-audit", "--no-fund",
                        "--prefix", dir.toString(), PACKAGE).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("npm.log").toFile()).start();
                if (!npm.waitFor(5, TimeUnit.MINUTES)) {
                    npm.destroyForcibly();
                    throw new IllegalStateException("npm install " + PACKAGE + " took more than 5 minutes");
                }
                if (npm.exitValue() != 0 || !Files.isExecutable(bin)) {
                    throw new IllegalStateException("npm install " + PACKAGE + " failed (exit " + npm.exitValue() + "); see "
                            + dir.resolve("npm.log"));
                }
                return bin;
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot install " + PACKAGE + " (is npm installed?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing " + PACKAGE, e);
        }
    }

    /** @return the server's base URL, {@code http://127.0.0.1:port} */
    public String httpUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** @return its port */
    public int port() {
        return port;
    }

    /** @return whether the process runs */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the server (and its child processes). */
    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                children.forEach(ProcessHandle::destroyForcibly);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return "CouchDbServer[" + httpUrl() + ", " + dir + "]";
    }
}

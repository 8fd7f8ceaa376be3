package io.polystore.demo;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} process the demo starts for itself on a free port of 127.0.0.1, keeping
 * its snapshot in the data directory (so sessions and counters survive a restart), and stops on
 * close. Found on the {@code PATH}, or at {@code DEMO_REDIS_SERVER}.
 */
public final class EmbeddedRedis implements AutoCloseable {
    private final Process process;
    private final int port;

    private EmbeddedRedis(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * @param binary an explicit path, or null to search the PATH
     * @return the redis-server binary, if there is one
     */
    public static Optional<Path> find(String binary) {
        if (binary != null && !binary.isBlank()) {
            Path p = Path.of(binary);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, "redis-server");
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * Starts a server and waits until it answers {@code PING}.
     *
     * @param binary  the redis-server binary
     * @param dataDir where its snapshot and log go
     * @return the running server
     * @throws IOException when it does not start within 10 s
     */
    public static EmbeddedRedis start(Path binary, Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Process p = new ProcessBuilder(List.of(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dataDir.toAbsolutePath().toString(), "--dbfilename", "demo.rdb", "--save", "60 1",
                "--appendonly", "no", "--daemonize", "no", "--logfile", "redis.log"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        EmbeddedRedis redis = new EmbeddedRedis(p, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("redis-server exited with " + p.exitValue() + "; see " + dataDir.resolve("redis.log"));
            }
            if (redis.ping()) {
                return redis;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        redis.close();
        throw new IOException("redis-server did not answer PING within 10 s; see " + dataDir.resolve("redis.log"));
    }

    /** @return whether the server answers {@code PING} */
    public boolean ping() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            s.setSoTimeout(500);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] b = new byte[7];
            int n = in.readNBytes(b, 0, 7);
            return n == 7 && new String(b, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    /** @return {@code redis://127.0.0.1:<port>} */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** @return the process (tests stop it to see /health turn 503) */
    public Process process() {
        return process;
    }

    /** Stops the server (it saves its snapshot on the way out). */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}

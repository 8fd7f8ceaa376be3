package io.polystore.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} process on a free loopback port, for tests on machines without a
 * Redis service. The binary is {@code POLYSTORE_REDIS_SERVER}, else {@code redis-server} from the
 * PATH. Nothing is persisted; the process is killed at JVM exit (or by {@link #close()}).
 */
public final class RedisServer implements AutoCloseable {
    private static RedisServer shared;

    private final Process process;
    private final int port;

    private RedisServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * @return one server per JVM, started on first use
     * @throws IllegalStateException if no redis-server can be started
     */
    public static synchronized RedisServer shared() {
        if (shared == null || !shared.process.isAlive()) {
            shared = start(List.of());
            RedisServer s = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(s::close, "redis-server-stop"));
        }
        return shared;
    }

    /**
     * Starts a new server.
     *
     * @param extraArgs further {@code redis-server} arguments ({@code --cluster-enabled yes}, ...)
     * @return the running server, answering PING
     * @throws IllegalStateException if it cannot be started
     */
    public static RedisServer start(List<String> extraArgs) {
        return start(freePort(), extraArgs);
    }

    /**
     * Starts a new server on a given port (to restart one that was killed, at the same address).
     *
     * @param port        the loopback port
     * @param extraArgs   further {@code redis-server} arguments
     * @return the running server, answering PING
     * @throws IllegalStateException if it cannot be started
     */
    public static RedisServer start(int port, List<String> extraArgs) {
        String binary = binary();
        List<String> cmd = new ArrayList<>(List.of(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"));
        cmd.addAll(extraArgs);
        try {
            Path dir = Files.createTempDirectory("polystore-redis-");
            cmd.addAll(List.of("--dir", dir.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile()).start();
            RedisServer server = new RedisServer(p, port);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    throw new IllegalStateException(binary + " exited with " + p.exitValue() + "; see "
                            + dir.resolve("redis.log"));
                }
                if (server.ping()) {
                    return server;
                }
                Thread.sleep(50);
            }
            p.destroyForcibly();
            throw new IllegalStateException(binary + " did not answer PING on port " + port + " within 10 s");
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + binary + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting redis-server", e);
        }
    }

    private static String binary() {
        String configured = TestServers.variable("POLYSTORE_REDIS_SERVER");
        if (configured != null) {
            return configured;
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path candidate = Path.of(dir, "redis-server");
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        throw new IllegalStateException("no redis-server on the PATH (install the redis-server package "
                + "or set POLYSTORE_REDIS_SERVER)");
    }

    /** @return a free loopback TCP port */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    /** @return the port */
    public int port() {
        return port;
    }

    /** @return {@code redis://127.0.0.1:<port>} */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** @return whether the process is running */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Sends one command in RESP and returns the first line of the reply.
     *
     * @param args the command and its arguments
     * @return the first reply line ({@code +PONG}, {@code :1}, {@code $5}, ...)
     * @throws IOException if the server does not answer
     */
    public String command(String... args) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write(request(args));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed without reply");
            }
            return line;
        }
    }

    /**
     * Sends one command and returns the whole reply when it is a bulk string ({@code CLUSTER INFO}),
     * else its first line.
     *
     * @param args the command and its arguments
     * @return the reply
     * @throws IOException if the server does not answer
     */
    public String reply(String... args) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(request(args));
            java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
            String first = readLine(in);
            if (first.startsWith("$") && !first.equals("$-1")) {
                byte[] body = new byte[Integer.parseInt(first.substring(1))];
                in.readFully(body);
                return new String(body, StandardCharsets.UTF_8);
            }
            return first;
        }
    }

    /** A command in RESP: an array of bulk strings. */
    private static byte[] request(String... args) {
        StringBuilder req = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            req.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        return req.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String readLine(java.io.DataInputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\r') {
                in.read();
                break;
            }
            sb.append((char) c);
        }
        return sb.toString();
    }

    /** Kills the process at once, as a crash would. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Freezes the process ({@code kill -STOP}): connections stay open and nothing answers. */
    public void pause() {
        signal("-STOP");
    }

    /** Thaws a paused process ({@code kill -CONT}). */
    public void resume() {
        signal("-CONT");
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kill " + signal, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** @return the directory of the redis-server binary in use, to find redis-cli beside it */
    static String binaryPath() {
        return binary();
    }

    private boolean ping() {
        try {
            return "+PONG".equals(command("PING"));
        } catch (IOException e) {
            return false;
        }
    }

    /** Kills the process and waits for it to exit. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.polystore.pagecache.proxy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proxy's HTTP behaviour toward the origin, against an origin written on raw sockets so that
 * the test controls what a library server would hide: 103 Early Hints before the response, and
 * keep-alive connections the origin closes as the proxy reuses them.
 */
class ProxyProtocolIT {
    static RawOrigin origin;
    static PageProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        origin = new RawOrigin();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("listen", "127.0.0.1:0");
        settings.put("origin", "http://127.0.0.1:" + origin.port());
        settings.put("origin-idle-timeout", "30s");
        proxy = PageProxy.start(settings, "protocol.properties");
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    /** @return everything the proxy sent back for one request on a new connection (Connection: close) */
    static String exchange(String method, String path) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + proxy.port()
                    + "\r\nContent-Length: " + (method.equals("GET") ? 0 : 4) + "\r\nConnection: close\r\n\r\n"
                    + (method.equals("GET") ? "" : "data")).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void earlyHintsOfTheOriginArePassedOnAndNeverStored() throws Exception {
        String first = exchange("GET", "/hints");
        assertThat(first).startsWith("HTTP/1.1 103 ");
        int hintsEnd = first.indexOf("\r\n\r\n");
        assertThat(first.substring(0, hintsEnd)).containsIgnoringCase("Link: </style.css>; rel=preload");
        String fin = first.substring(hintsEnd + 4);
        assertThat(fin).startsWith("HTTP/1.1 200 ");
        assertThat(fin).contains("X-Cache: MISS").endsWith("hinted page");

        String second = exchange("GET", "/hints");
        assertThat(second).as("a stored page has no interim response").startsWith("HTTP/1.1 200 ");
        assertThat(second).contains("X-Cache: HIT-L1").endsWith("hinted page");
        assertThat(origin.requests("/hints")).isEqualTo(1);
    }

    @Test
    void anIdempotentRequestIsSentAgainWhenTheOriginClosedTheReusedConnection() throws Exception {
        // once the proxy reuses a connection, the origin reads the request and closes it without answering.
        // The proxy's client may not have pooled its connection again when the next request leaves (then that
        // one opens a new connection and is answered): go on until a request went out on a reused connection
        int sent = 0;
        while (sent < 20 && origin.requests("/closing-put") == sent) {
            assertThat(exchange("PUT", "/closing-put")).startsWith("HTTP/1.1 204 ");
            sent++;
            Thread.sleep(50); // lets the connection go back to the pool; not a limit on anything
        }
        assertThat(origin.requests("/closing-put")).as("the dropped request and its retry, after %d answered", sent)
                .isEqualTo(sent + 1);
    }

    @Test
    void aPostIsNotSentTwice() throws Exception {
        // as above: go on until a POST went out on a reused connection that the origin then closed
        int sent = 0;
        String last = "";
        while (sent < 20 && !last.startsWith("HTTP/1.1 502 ")) {
            last = exchange("POST", "/closing-post");
            assertThat(last).matches("(?s)HTTP/1\\.1 (204|502) .*");
            sent++;
            Thread.sleep(50);
        }
        assertThat(last).startsWith("HTTP/1.1 502 ");
        assertThat(origin.requests("/closing-post")).as("each POST sent once").isEqualTo(sent);
    }

    @Test
    void everyResponseHasOneDate() throws Exception {
        for (String path : new String[] {"/dated", "/dated", "/undated"}) {
            String r = exchange("GET", path);
            String head = r.substring(0, r.indexOf("\r\n\r\n")).toLowerCase(Locale.ROOT);
            assertThat(head.split("\r\ndate: ", -1)).as(path + "\n" + head).hasSize(2);
        }
        String passed = exchange("GET", "/dated");
        assertThat(passed).contains("Date: " + RawOrigin.DATE);
    }

    /**
     * An HTTP/1.1 origin on raw sockets. Per path: {@code /hints} sends a 103 before a cacheable
     * 200; {@code /closing-*} answers 204 once per connection and, when the connection is reused for
     * another such request, reads it and closes without answering; {@code /dated} carries a
     * fixed Date, {@code /undated} none.
     */
    static final class RawOrigin implements AutoCloseable {
        static final String DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
                .withZone(ZoneOffset.UTC).format(java.time.Instant.now());
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
        private final Thread acceptor;

        RawOrigin() throws IOException {
            acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        Thread t = new Thread(() -> serve(s), "raw-origin-connection");
                        t.setDaemon(true);
                        t.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "raw-origin");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        int requests(String path) {
            AtomicInteger n = requests.get(path);
            return n == null ? 0 : n.get();
        }

        private void serve(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                boolean servedClosing = false;
                while (true) {
                    String head = readHead(in);
                    if (head == null) {
                        return;
                    }
                    String path = head.split(" ")[1];
                    int length = 0;
                    for (String line : head.split("\r\n")) {
                        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                            length = Integer.parseInt(line.substring(15).trim());
                        }
                    }
                    in.readNBytes(length);
                    requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                    if (path.startsWith("/closing-")) {
                        if (servedClosing) {
                            return; // closes as the request arrives: no response byte
                        }
                        servedClosing = true;
                        write(out, "HTTP/1.1 204 No Content\r\nDate: " + DATE + "\r\n\r\n");
                    } else if (path.equals("/hints")) {
                        write(out, "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n");
                        Thread.sleep(50);
                        page(out, "hinted page", true);
                    } else {
                        page(out, "page " + path, path.equals("/dated"));
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the connection ends
            }
        }

        private static void page(OutputStream out, String body, boolean dated) throws IOException {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nCache-Control: max-age=60\r\nContent-Length: "
                    + b.length + "\r\n" + (dated ? "Date: " + DATE + "\r\n" : "") + "\r\n" + body);
        }

        private static void write(OutputStream out, String s) throws IOException {
            out.write(s.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                head.write(b);
                matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                        ? matched + 1 : 0;
            }
            return head.toString(StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}

package io.polystore.pagecache.proxy;

import io.polystore.testkit.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The standalone proxy as a black box in front of a Python WSGI app (the standard library's
 * wsgiref server): what the origin marks cacheable is rendered once, what it marks private or
 * sets cookies on is rendered per request, unsafe requests invalidate.
 */
class PageProxyIT {
    private static final String APP = """
            import sys
            from wsgiref.simple_server import make_server, WSGIRequestHandler

            renders = {}

            def app(environ, start_response):
                path = environ['PATH_INFO']
                renders[path] = renders.get(path, 0) + 1
                n = renders[path]
                method = environ['REQUEST_METHOD']
                if method == 'POST':
                    start_response('204 No Content', [])
                    return [b'']
                headers = [('Content-Type', 'text/html; charset=utf-8')]
                if path.startswith('/validated'):
                    headers = [('Cache-Control', 'max-age=0'), ('ETag', '"v1"'), ('X-Served', str(n))]
                    if environ.get('HTTP_IF_NONE_MATCH') == '"v1"':
                        start_response('304 Not Modified', headers)
                        return [b'']
                    headers.append(('Content-Type', 'text/html; charset=utf-8'))
                    start_response('200 OK', headers)
                    return [('%s body %d' % (path, n)).encode('utf-8')]
                if path.startswith('/bad-expires'):
                    # a one-digit hour: not an HTTP date, so already expired (RFC 9111 §5.3)
                    headers.append(('Expires', 'Thu, 01 Jan 2099 1:00:00 GMT'))
                elif path.startswith('/private'):
                    headers.append(('Cache-Control', 'private'))
                elif path.startswith('/cookie'):
                    headers.append(('Cache-Control', 'max-age=60'))
                    headers.append(('Set-Cookie', 'sid=%d' % n))
                else:
                    headers.append(('Cache-Control', 'max-age=60'))
                body = ('%s rendered %d for host %s' % (path, n, environ.get('HTTP_HOST'))).encode('utf-8')
                start_response('200 OK', headers)
                return [body]

            class Quiet(WSGIRequestHandler):
                def log_message(self, *args):
                    pass

            server = make_server('127.0.0.1', int(sys.argv[1]), app, handler_class=Quiet)
            server.serve_forever()
            """;

    static Process python;
    static PageProxy proxy;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Path script = Files.createTempFile("wsgi-origin", ".py");
        Files.writeString(script, APP);
        int port = RedisServer.freePort();
        try {
            python = new ProcessBuilder("python3", script.toString(), Integer.toString(port))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            System.out.println("SKIPPED PageProxyIT: no python3 to run the WSGI origin: " + e.getMessage());
            Assumptions.abort("no python3");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                break;
            } catch (IOException e) {
                if (System.nanoTime() > deadline || !python.isAlive()) {
                    throw new IllegalStateException("the WSGI origin did not start", e);
                }
                Thread.sleep(50);
            }
        }
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("listen", "127.0.0.1:0");
        settings.put("origin", "http://127.0.0.1:" + port);
        settings.put("page-cache.routes", "/admin/** -> never");
        proxy = PageProxy.start(settings, "proxy.properties");
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (python != null) {
            python.destroy();
            python.waitFor(5, TimeUnit.SECONDS);
        }
    }

    static HttpResponse<String> send(String method, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void aCacheablePageOfTheOriginIsRenderedOnce() throws Exception {
        HttpResponse<String> first = send("GET", "/page");
        long before = proxy.answeredBeforeDispatch();
        HttpResponse<String> second = send("GET", "/page");
        assertThat(first.body()).startsWith("/page rendered 1 for host 127.0.0.1:" + proxy.port());
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(second.headers().firstValue("X-Cache")).contains("HIT-L1");
        assertThat(proxy.answeredBeforeDispatch()).as("the hit was answered before servlet dispatch").isEqualTo(before + 1);
        assertThat(second.headers().allValues("Date")).hasSize(1);
    }

    @Test
    void privatePagesAndCookiesAreRenderedForEachRequest() throws Exception {
        send("GET", "/private");
        assertThat(send("GET", "/private").body()).startsWith("/private rendered 2");
        HttpResponse<String> c1 = send("GET", "/cookie");
        HttpResponse<String> c2 = send("GET", "/cookie");
        assertThat(c1.headers().firstValue("Set-Cookie")).contains("sid=1");
        assertThat(c2.headers().firstValue("Set-Cookie")).contains("sid=2");
    }

    @Test
    void aPostThroughTheProxyInvalidatesThePage() throws Exception {
        send("GET", "/posted");
        assertThat(send("POST", "/posted").statusCode()).isEqualTo(204);
        assertThat(send("GET", "/posted").body()).startsWith("/posted rendered 3");
    }

    @Test
    void aStalePageIsRevalidatedWithTheOriginAndThe304UpdatesItsHeaders() throws Exception {
        HttpResponse<String> first = send("GET", "/validated");
        HttpResponse<String> second = send("GET", "/validated");
        assertThat(second.headers().firstValue("X-Cache")).contains("REVALIDATED");
        assertThat(second.body()).isEqualTo(first.body()).isEqualTo("/validated body 1");
        assertThat(second.headers().firstValue("X-Served")).as("a header of the 304").contains("2");
        assertThat(second.headers().allValues("Date")).hasSize(1);
    }

    @Test
    void anInvalidExpiresMeansAlreadyExpired() throws Exception {
        send("GET", "/bad-expires");
        HttpResponse<String> again = send("GET", "/bad-expires");
        assertThat(again.headers().firstValue("X-Cache")).contains("MISS");
        assertThat(again.body()).startsWith("/bad-expires rendered 2");
    }

    @Test
    void routesOfTheConfigurationApply() throws Exception {
        send("GET", "/admin/x");
        HttpResponse<String> r = send("GET", "/admin/x");
        assertThat(r.headers().firstValue("X-Cache")).contains("BYPASS");
        assertThat(r.body()).startsWith("/admin/x rendered 2");
    }

    @Test
    void anUnreachableOriginIsA502() throws Exception {
        Map<String, String> settings = Map.of("listen", "127.0.0.1:0", "origin", "http://127.0.0.1:" + RedisServer.freePort());
        try (PageProxy dead = PageProxy.start(settings, "dead.properties")) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dead.port() + "/x"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(502);
        }
    }

    @Test
    void wrongSettingsNameTheFileAndKey() {
        assertThatThrownBy(() -> PageProxy.start(Map.of("listen", "127.0.0.1:0"), "proxy.properties"))
                .hasMessageContaining("proxy.properties: 'origin' is missing");
        assertThatThrownBy(() -> PageProxy.start(Map.of("origin", "ftp://x"), "proxy.properties"))
                .hasMessageContaining("proxy.properties: 'origin' = 'ftp://x'");
        assertThatThrownBy(() -> PageProxy.start(Map.of("origin", "http://x:1", "max-body", "huge"), "proxy.properties"))
                .hasMessageContaining("proxy.properties: page cache setting 'max-body'");
    }
}

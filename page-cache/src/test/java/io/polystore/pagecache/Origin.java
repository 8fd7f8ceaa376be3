package io.polystore.pagecache;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The web handler behind the cache in tests: what it answers per path is set by the test, and it
 * counts the calls it gets per path (a render is a call).
 */
public final class Origin extends HttpServlet {

    /** What to answer for a path. */
    @FunctionalInterface
    public interface Behaviour {
        void answer(HttpServletRequest req, HttpServletResponse res, int call) throws IOException;
    }

    private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();

    /** Sets what a path answers (exact path as the servlet sees it, or a prefix ending in *). */
    public Origin on(String path, Behaviour b) {
        behaviours.put(path, b);
        return this;
    }

    /** @return how often the path was rendered */
    public int calls(String path) {
        AtomicInteger n = calls.get(path);
        return n == null ? 0 : n.get();
    }

    public int totalCalls() {
        return total.get();
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String path = req.getRequestURI();
        int call = calls.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        total.incrementAndGet();
        Behaviour b = behaviours.get(path);
        if (b == null) {
            for (Map.Entry<String, Behaviour> e : behaviours.entrySet()) {
                if (e.getKey().endsWith("*") && path.startsWith(e.getKey().substring(0, e.getKey().length() - 1))) {
                    b = e.getValue();
                }
            }
        }
        if (b == null) {
            b = cacheable(60);
        }
        b.answer(req, res, call);
    }

    /** @return an HTML page fresh for {@code seconds}, naming the path, query and call number */
    public static Behaviour cacheable(int seconds) {
        return headers("public, max-age=" + seconds);
    }

    /** @return an HTML page with the given Cache-Control (null: none), naming the path, query and call number */
    public static Behaviour headers(String cacheControl) {
        return (req, res, call) -> {
            if (cacheControl != null) {
                res.setHeader("Cache-Control", cacheControl);
            }
            html(res, "page " + req.getRequestURI() + "?" + req.getQueryString() + " #" + call);
        };
    }

    /** @return a page {@code #<call>} with the given header fields (alternating names and values) */
    public static Behaviour fields(String... namesAndValues) {
        return (req, res, call) -> {
            for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
                res.setHeader(namesAndValues[i], namesAndValues[i + 1]);
            }
            html(res, "#" + call);
        };
    }

    public static void html(HttpServletResponse res, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        res.setContentType("text/html;charset=UTF-8");
        res.getOutputStream().write(b);
    }
}

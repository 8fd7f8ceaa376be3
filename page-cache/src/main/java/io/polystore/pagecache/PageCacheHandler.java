package io.polystore.pagecache;

import io.polystore.pagecache.internal.LocalTier;
import io.polystore.pagecache.internal.Page;
import io.polystore.pagecache.internal.UrlNormalizer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * The page cache's Jetty-core mode: a {@link Handler.Wrapper} that answers requests for pages this
 * node holds in memory before Jetty dispatches to a servlet, and hands every other request to the
 * handler it wraps, whose {@link PageCacheFilter} (on the same {@link PageCache}) does the rest:
 * misses, renders, Redis, revalidation, conditional and range requests, purges, bypasses.
 * <pre>{@code
 * PageCache cache = PageCache.builder().redis("redis://127.0.0.1:6379").build();
 * ServletContextHandler app = new ServletContextHandler();
 * app.addFilter(new FilterHolder(new PageCacheFilter(cache)), "/*", EnumSet.of(DispatcherType.REQUEST));
 * // ... the application's servlets
 * server.setHandler(new PageCacheHandler(cache, app));
 * }</pre>
 * It answers only what the filter would answer with the same stored page from memory ({@code
 * X-Cache: HIT-L1}): a GET or HEAD, to an allowed host, on a route that is cached, with no
 * {@code Authorization}, {@code Cookie}, {@code Cache-Control}, {@code Pragma}, {@code Range} or
 * conditional ({@code If-*}) field and no WebSocket {@code Upgrade}, for a fresh page of the request's variant that
 * the node may serve from memory now (see {@link PageCache.Builder#invalidationBound}). The answer
 * is the filter's, field for field. Needs {@code org.eclipse.jetty:jetty-server} 12 (an optional
 * dependency of this module). Thread-safe.
 */
public final class PageCacheHandler extends Handler.Wrapper {
    private final PageCache cache;
    private final Settings s;
    private final Responses responses;
    private final LongAdder answered = new LongAdder();

    /**
     * @param cache   the cache, shared with the wrapped application's {@link PageCacheFilter}
     * @param handler the application (a servlet context with the filter)
     */
    public PageCacheHandler(PageCache cache, Handler handler) {
        super(handler);
        this.cache = java.util.Objects.requireNonNull(cache, "cache");
        this.s = cache.settings;
        this.responses = new Responses(cache.settings);
    }

    /** @return how many requests this handler answered itself, before servlet dispatch */
    public long answered() {
        return answered.sum();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        return answer(request, response, callback) || super.handle(request, response, callback);
    }

    /** @return whether the request was answered from memory */
    private boolean answer(Request request, Response response, Callback callback) {
        long t0 = System.nanoTime();
        String method = request.getMethod();
        boolean head = method.equals("HEAD");
        if (!head && !method.equals("GET")) {
            return false;
        }
        HttpFields fields = request.getHeaders();
        for (int i = 0; i < fields.size(); i++) {
            HttpField f = fields.getField(i);
            if (handsOver(f.getLowerCaseName())) {
                return false;
            }
            if (f.getLowerCaseName().equals("upgrade") && RequestHandler.webSocket(f.getValue())) {
                return false;
            }
        }
        HttpURI uri = request.getHttpURI();
        String rawPath = uri.getPath();
        if (rawPath == null || rawPath.equals(s.purgePath())) {
            return false;
        }
        String host = UrlNormalizer.host(Request.getServerName(request));
        if (!s.hostAllowed(host)) {
            return false;
        }
        String path = UrlNormalizer.path(rawPath);
        RouteRule rule = s.route(path);
        if (rule != null && rule.action() == RouteRule.Action.NEVER) {
            return false;
        }
        String scheme = uri.getScheme() == null ? (request.isSecure() ? "https" : "http") : uri.getScheme().toLowerCase(Locale.ROOT);
        String key = cache.key(scheme, host, Request.getServerPort(request), path, uri.getQuery());
        LocalTier.Entry entry = cache.local.get(key);
        if (entry == null) {
            return false;
        }
        Conditional.Headers headers = fields::getValues;
        Page page = entry.variants().get(Conditional.variantId(entry.vary(), headers));
        long now = System.currentTimeMillis();
        if (page == null || !page.isFresh(now) || !cache.invalidation.memoryServable(page.storedAt(), now)) {
            return false;
        }
        boolean gz = page.compressed() && Conditional.acceptsGzip(headers);
        Prepared answer = (Prepared) page.prepared(gz);
        if (answer == null) {
            answer = prepare(page, gz, now);
            page.prepared(gz, answer);
        }
        response.setStatus(page.status());
        HttpFields.Mutable out = response.getHeaders();
        out.put(answer.date()); // in place of the server's own
        for (HttpField f : answer.fields()) {
            out.add(f);
        }
        out.add(HttpHeader.AGE, Long.toString(page.ageMillis(now) / 1000));
        if (s.statusHeaders()) {
            out.add("Cache-Status", "Polystore; " + Responses.cacheStatus(page, Outcome.HIT_L1, null, now));
        }
        byte[] body = answer.body();
        cache.stats.hitsL1.increment();
        answered.increment();
        response.write(true, head ? null : ByteBuffer.wrap(body), callback);
        cache.listener.request(Outcome.HIT_L1, null, head ? 0 : body.length, System.nanoTime() - t0);
        return true;
    }

    /**
     * A page's answer in one coding, its fields encoded once: all but {@code Age} and {@code Cache-Status},
     * which change with time.
     */
    private record Prepared(HttpField date, HttpField[] fields, byte[] body) {
    }

    /** The fields the filter would send for this page from memory ({@link Responses#head}), encoded. */
    private Prepared prepare(Page page, boolean gz, long now) {
        List<String[]> fields = new ArrayList<>();
        responses.head(page, Responses.etag(page, gz), Outcome.HIT_L1, null, now, new Responses.HeaderSink() {
            @Override
            public void add(String name, String value) {
                fields.add(new String[] {name, value});
            }

            @Override
            public void set(String name, String value) {
                fields.removeIf(f -> f[0].equalsIgnoreCase(name));
                fields.add(new String[] {name, value});
            }
        });
        byte[] body = gz ? page.body() : page.identity();
        if (gz) {
            fields.add(new String[] {"Content-Encoding", "gzip"});
        }
        fields.add(new String[] {"Content-Length", Integer.toString(body.length)});
        HttpField date = null;
        List<HttpField> encoded = new ArrayList<>();
        for (String[] f : fields) {
            if (f[0].equalsIgnoreCase("Date")) {
                // a plain field: Jetty keeps its own Date as a persistent field and would encode a pre-encoded
                // replacement again on every answer
                date = new HttpField(HttpHeader.DATE, f[1]);
            } else if (!f[0].equalsIgnoreCase("Age") && !f[0].equalsIgnoreCase("Cache-Status")) {
                // known fields keep their HttpHeader, which Jetty reads (Content-Length above all)
                HttpHeader known = HttpHeader.CACHE.get(f[0]);
                encoded.add(known != null ? new PreEncodedHttpField(known, f[0], f[1]) : new PreEncodedHttpField(f[0], f[1]));
            }
        }
        return new Prepared(date, encoded.toArray(new HttpField[0]), body);
    }

    /** Request fields whose handling is the filter's: the request goes on to it. */
    private static final List<String> HANDED_OVER = List.of("authorization", "cookie", "cache-control", "pragma",
            "range");

    private static boolean handsOver(String lowerCaseName) {
        return lowerCaseName.startsWith("if-") || HANDED_OVER.contains(lowerCaseName);
    }
}

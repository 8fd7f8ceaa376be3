package io.polystore.demo.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.polystore.Repository;
import io.polystore.demo.Polynotes;
import io.polystore.demo.model.Follow;
import io.polystore.pagecache.PageCache;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code GET /health}: each store's status, found by a real round trip ({@link io.polystore.Store#ping()}),
 * in parallel, each within {@link #TIMEOUT_MS}. Answers {@code 200}
 * when every store is up and {@code 503} when one is not; the page cache's shared tier is
 * reported but does not fail the check (the cache works without it).
 */
public final class Health extends HttpServlet {
    /** How long a store may take to answer its probe. */
    public static final long TIMEOUT_MS = 3_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Polynotes app;
    private final PageCache cache;
    private final ExecutorService probes = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "health-probe");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param app   the app
     * @param cache the page cache
     */
    public Health(Polynotes app, PageCache cache) {
        this.app = app;
        this.cache = cache;
    }

    private record Probe(String store, String uri, List<String> entities, Runnable check) {
    }

    private List<Probe> probes() {
        Map<String, Probe> byStore = new LinkedHashMap<>();
        for (Repository<?, String> r : List.of(app.users(), app.profiles(), app.notes(), app.sessions())) {
            Probe p = byStore.computeIfAbsent(r.store().name(),
                    name -> new Probe(name, r.store().describe(), new ArrayList<>(), r.store()::ping));
            p.entities().add(r.model().name());
        }
        var graphStore = app.polystore().storeFor(Follow.class);
        Probe g = byStore.computeIfAbsent(graphStore.name(), name -> new Probe(name, graphStore.describe(), new ArrayList<>(),
                graphStore::ping));
        g.entities().add("follows");
        return List.copyOf(byStore.values());
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode stores = JSON.createObjectNode();
        boolean up = true;
        List<Probe> list = probes();
        List<CompletableFuture<Long>> runs = new ArrayList<>();
        for (Probe p : list) {
            runs.add(CompletableFuture.supplyAsync(() -> {
                long start = System.nanoTime();
                p.check().run();
                return System.nanoTime() - start;
            }, probes));
        }
        for (int i = 0; i < list.size(); i++) {
            Probe p = list.get(i);
            ObjectNode s = stores.putObject(p.store());
            s.put("uri", p.uri());
            s.putPOJO("entities", p.entities());
            try {
                long nanos = runs.get(i).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                s.put("status", "UP");
                s.put("ms", Math.round(nanos / 10_000.0) / 100.0);
            } catch (TimeoutException e) {
                up = false;
                s.put("status", "DOWN");
                s.put("error", "no answer within " + TIMEOUT_MS + " ms");
            } catch (java.util.concurrent.ExecutionException e) {
                up = false;
                s.put("status", "DOWN");
                s.put("error", String.valueOf(e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        body.put("status", up ? "UP" : "DOWN");
        body.set("stores", stores);
        ObjectNode pages = body.putObject("pageCache");
        pages.put("sharedTier", cache.sharedTierConnected() ? "connected" : "not connected");
        pages.put("pendingPurges", cache.pendingPurges());
        var stats = cache.stats();
        pages.put("hitsL1", stats.hitsL1());
        pages.put("hitsL2", stats.hitsL2());
        pages.put("misses", stats.misses());
        pages.put("bypasses", stats.bypasses());
        res.setStatus(up ? 200 : 503);
        res.setHeader("Cache-Control", "no-store");
        res.setContentType("application/json");
        res.setCharacterEncoding("UTF-8");
        JSON.writerWithDefaultPrettyPrinter().writeValue(res.getOutputStream(), body);
    }

    @Override
    public void destroy() {
        probes.shutdownNow();
    }
}

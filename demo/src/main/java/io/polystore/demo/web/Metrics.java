package io.polystore.demo.web;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** {@code GET /metrics}: the Prometheus text format of the app's registry (page cache and store timers). */
public final class Metrics extends HttpServlet {
    private final PrometheusMeterRegistry registry;

    /**
     * @param registry the registry to expose
     */
    public Metrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
        res.setHeader("Cache-Control", "no-store");
        res.setContentType("text/plain; version=0.0.4; charset=utf-8");
        res.setContentLength(body.length);
        res.getOutputStream().write(body);
    }
}

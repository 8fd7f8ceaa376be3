package io.polystore.demo.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@code /static/*}: the CSS and the one small script, from the class path. */
public final class Static extends HttpServlet {
    private static final Map<String, String> TYPES = Map.of("css", "text/css; charset=utf-8", "js", "text/javascript; charset=utf-8");
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        String name = req.getPathInfo() == null ? "" : req.getPathInfo().substring(1);
        String ext = name.substring(name.lastIndexOf('.') + 1);
        byte[] body = name.matches("[a-z0-9-]+\\.(css|js)") ? load(name) : null;
        if (body == null) {
            res.sendError(404);
            return;
        }
        res.setHeader("Cache-Control", "public, max-age=3600");
        res.setContentType(TYPES.get(ext));
        res.setContentLength(body.length);
        res.getOutputStream().write(body);
    }

    private byte[] load(String name) throws IOException {
        byte[] cached = files.get(name);
        if (cached != null) {
            return cached;
        }
        try (InputStream in = Static.class.getResourceAsStream("/static/" + name)) {
            if (in == null) {
                return null;
            }
            byte[] b = in.readAllBytes();
            files.put(name, b);
            return b;
        }
    }
}

package io.polystore.pagecache;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The page cache as a Jakarta Servlet 6 filter. Either construct it with a {@link PageCache}
 * (programmatic registration, the cache stays the caller's to close), or declare it in
 * {@code web.xml} with init-parameters named as the settings in docs/PAGE-CACHE.md, optionally
 * {@code config-file} naming a properties file with the same keys; then the filter builds the cache
 * and closes it in {@link #destroy()}.
 *
 * <p>Map it to {@code /*} for the {@code REQUEST} dispatch only. It captures the handler's response
 * before deciding what to do with it, so it does not support asynchronous handlers: leave it
 * {@code asyncSupported=false} (the default), which makes {@code startAsync} fail loudly rather than
 * write into a finished capture.
 */
public final class PageCacheFilter implements Filter {
    private PageCache cache;
    private boolean owned;

    /** For web.xml: the cache is built from init-parameters in {@link #init}. */
    public PageCacheFilter() {
    }

    /** @param cache the cache to put in front of the handler */
    public PageCacheFilter(PageCache cache) {
        this.cache = cache;
    }

    @Override
    public void init(FilterConfig config) throws ServletException {
        if (cache != null) {
            return;
        }
        String source = "filter '" + config.getFilterName() + "' init-parameters";
        Map<String, String> settings = new LinkedHashMap<>();
        String file = config.getInitParameter("config-file");
        if (file != null) {
            settings.putAll(readProperties(Path.of(file)));
            source = file + " and " + source;
        }
        for (String name : Collections.list(config.getInitParameterNames())) {
            if (!name.equals("config-file")) {
                settings.put(name, config.getInitParameter(name));
            }
        }
        try {
            cache = PageCache.builder().apply(settings, source).build();
            owned = true;
        } catch (IllegalArgumentException e) {
            throw new ServletException(e.getMessage(), e);
        }
    }

    /**
     * Reads a properties file of page cache settings; keys may carry a {@code page-cache.} prefix.
     *
     * @throws ServletException naming the file when it cannot be read
     */
    static Map<String, String> readProperties(Path file) throws ServletException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file); Reader r = new java.io.InputStreamReader(in, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new ServletException("cannot read page cache config-file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : p.stringPropertyNames()) {
            out.put(name.startsWith("page-cache.") ? name.substring("page-cache.".length()) : name, p.getProperty(name));
        }
        return out;
    }

    /** @return the cache this filter uses (to purge from application code) */
    public PageCache cache() {
        return cache;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (cache == null) {
            throw new ServletException("PageCacheFilter used before init");
        }
        if (request instanceof HttpServletRequest req && response instanceof HttpServletResponse res) {
            cache.handler.handle(req, res, chain);
        } else {
            chain.doFilter(request, response);
        }
    }

    @Override
    public void destroy() {
        if (owned && cache != null) {
            cache.close();
        }
    }
}

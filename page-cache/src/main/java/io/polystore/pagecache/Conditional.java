package io.polystore.pagecache;

import io.polystore.pagecache.internal.CaptureResponse;
import io.polystore.pagecache.internal.Page;
import io.polystore.pagecache.internal.SharedTier;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Conditional requests and content negotiation (RFC 9110 §13, §12): which stored variant a request
 * selects, whether a client's validators match a stored page (a 304), and the request the handler
 * sees on a miss (its validators removed, so that it renders a whole page).
 */
final class Conditional {
    private Conditional() {
    }

    /** runs of whitespace in a header value, and a comma with a space either side: compiled once, used per request */
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern LIST_COMMA = Pattern.compile(" ?, ?");
    private static final Set<String> CONDITIONAL = Set.of("if-none-match", "if-modified-since", "if-match",
            "if-unmodified-since", "if-range");

    /** @return the variant field for the request's values of the Vary'd headers */
    static String variantId(String vary, HttpServletRequest req) {
        return variantId(vary, req::getHeaders);
    }

    /** A request's header values by name, on a servlet request or a Jetty core request alike. */
    interface Headers {
        /** @return the values of the named header, in order (none when absent) */
        Enumeration<String> values(String name);
    }

    /** @see #variantId(String, HttpServletRequest) */
    static String variantId(String vary, Headers req) {
        if (vary.isEmpty()) {
            return SharedTier.NO_VARIANT;
        }
        StringBuilder sb = new StringBuilder();
        for (String name : vary.split(",")) {
            String value = String.join(",", Collections.list(req.values(name)));
            value = LIST_COMMA.matcher(WHITESPACE.matcher(value.trim()).replaceAll(" ")).replaceAll(",");
            if (name.equals("accept-encoding")) {
                value = acceptsGzip(req) ? "gzip" : "identity";
            }
            sb.append(name.length()).append(':').append(name).append('=').append(value.length()).append(':')
                    .append(value).append('\n');
        }
        return Responses.sha256Hex(sb.toString(), 32);
    }

    static boolean acceptsGzip(HttpServletRequest req) {
        return acceptsGzip(req::getHeaders);
    }

    static boolean acceptsGzip(Headers req) {
        Enumeration<String> values = req.values("Accept-Encoding");
        while (values.hasMoreElements()) {
            for (String coding : values.nextElement().split(",")) {
                String[] parts = coding.trim().split(";");
                String name = parts[0].trim().toLowerCase(Locale.ROOT);
                if (name.equals("gzip") || name.equals("x-gzip") || name.equals("*")) {
                    boolean zero = false;
                    for (int i = 1; i < parts.length; i++) {
                        String p = parts[i].trim().toLowerCase(Locale.ROOT);
                        if (p.startsWith("q=")) {
                            try {
                                zero = Double.parseDouble(p.substring(2)) <= 0;
                            } catch (NumberFormatException e) {
                                zero = true;
                            }
                        }
                    }
                    if (!zero) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    static boolean notModified(HttpServletRequest req, Page page, String etag) {
        String inm = req.getHeader("If-None-Match");
        if (inm != null) {
            if (etag == null) {
                return false;
            }
            if (inm.trim().equals("*")) {
                return true;
            }
            String mine = opaque(etag);
            for (String candidate : inm.split(",")) {
                if (opaque(candidate.trim()).equals(mine)) {
                    return true;
                }
            }
            return false;
        }
        String ims = req.getHeader("If-Modified-Since");
        if (ims != null && page.lastModified() != null) {
            long since = Freshness.parseDate(ims);
            long modified = Freshness.parseDate(page.lastModified());
            return since > 0 && modified > 0 && modified <= since;
        }
        return false;
    }

    /** @return an entity tag without W/ and without the coding suffix, for weak comparison */
    private static String opaque(String etag) {
        String e = etag.startsWith("W/") ? etag.substring(2) : etag;
        return e.replace("-gzip\"", "\"");
    }

    static String codingEtag(String etag) {
        if (etag.endsWith("\"")) {
            return etag.substring(0, etag.length() - 1) + "-gzip\"";
        }
        return etag;
    }

    /**
     * The request as the handler sees it when the cache fills: without the client's validators and
     * range, so that it renders a whole page ({@link #unconditional}), or with the cache's own
     * validators of a stored page ({@link #revalidation}).
     */
    static final class ToHandler extends HttpServletRequestWrapper {
        private final Map<String, String> added;

        private ToHandler(HttpServletRequest req, Map<String, String> added) {
            super(req);
            this.added = added;
        }

        private static boolean hidden(String name) {
            String n = name.toLowerCase(Locale.ROOT);
            return CONDITIONAL.contains(n) || n.equals("range");
        }

        @Override
        public String getHeader(String name) {
            String mine = added.get(name.toLowerCase(Locale.ROOT));
            if (mine != null) {
                return mine;
            }
            return hidden(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            String mine = added.get(name.toLowerCase(Locale.ROOT));
            if (mine != null) {
                return Collections.enumeration(List.of(mine));
            }
            return hidden(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = new ArrayList<>();
            for (String n : Collections.list(super.getHeaderNames())) {
                if (!hidden(n)) {
                    names.add(n);
                }
            }
            names.addAll(added.keySet());
            return Collections.enumeration(names);
        }

        @Override
        public long getDateHeader(String name) {
            String mine = added.get(name.toLowerCase(Locale.ROOT));
            if (mine != null) {
                long t = HttpDates.parse(mine, System.currentTimeMillis());
                if (t < 0) {
                    throw new IllegalArgumentException("not an HTTP date: " + mine);
                }
                return t;
            }
            return hidden(name) ? -1 : super.getDateHeader(name);
        }
    }

    /** @return the request without validators or range, so that the handler renders the whole page */
    static HttpServletRequest unconditional(HttpServletRequest req) {
        return new ToHandler(req, Map.of());
    }

    /**
     * The conditional request that revalidates a stored page (RFC 9111 §4.3.1): its entity tag in
     * {@code If-None-Match} when the origin sent one, its {@code Last-Modified} in
     * {@code If-Modified-Since}. The request's other headers are the client's, so the headers the
     * stored {@code Vary} names are those that selected this variant.
     */
    static HttpServletRequest revalidation(HttpServletRequest req, Page stored) {
        Map<String, String> added = new LinkedHashMap<>();
        if (stored.etagFromOrigin() && stored.etag() != null) {
            added.put("if-none-match", stored.etag());
        }
        if (stored.lastModified() != null) {
            added.put("if-modified-since", stored.lastModified());
        }
        return new ToHandler(req, added);
    }

    /**
     * Whether a 304 is about the stored page (RFC 9111 §4.3.4): by its entity tag when it has one,
     * else by its {@code Last-Modified}, else it is taken to be about the one page validated.
     */
    static boolean selects(CaptureResponse notModified, Page stored) {
        String etag = notModified.getHeader("ETag");
        if (etag != null) {
            return stored.etagFromOrigin() && stored.etag() != null && opaque(etag.trim()).equals(opaque(stored.etag()));
        }
        String lastModified = notModified.getHeader("Last-Modified");
        if (lastModified != null) {
            return lastModified.equals(stored.lastModified());
        }
        return true;
    }

    /** Fields a 304 does not change in a stored response: its framing, and what the stored body depends on. */
    private static final Set<String> NOT_UPDATED = Set.of("content-length", "content-encoding", "transfer-encoding",
            "content-range");

    /**
     * The stored page's header fields as a 304 updates them (RFC 9111 §4.3.4, §3.2): each field the
     * 304 carries replaces the stored field of that name, except the framing fields and those a
     * cache does not store.
     *
     * @param notStored the lower-case names a cache never stores
     * @return alternating names and values
     */
    static List<String> updatedHeaders(Page stored, CaptureResponse notModified, Set<String> notStored) {
        Set<String> replaced = new java.util.HashSet<>();
        List<String> from304 = new ArrayList<>();
        for (String[] h : notModified.headerList()) {
            String lower = h[0].toLowerCase(Locale.ROOT);
            if (NOT_UPDATED.contains(lower) || notStored.contains(lower)) {
                continue;
            }
            replaced.add(lower);
            from304.add(h[0]);
            from304.add(h[1]);
        }
        List<String> headers = new ArrayList<>();
        List<String> old = stored.headers();
        for (int i = 0; i + 1 < old.size(); i += 2) {
            if (!replaced.contains(old.get(i).toLowerCase(Locale.ROOT))) {
                headers.add(old.get(i));
                headers.add(old.get(i + 1));
            }
        }
        headers.addAll(from304);
        return headers;
    }

    /**
     * The updated response's fields for the freshness decision: the {@link #updatedHeaders}, the
     * validators (the 304's, else the stored ones), and the 304's own {@code Date} and {@code Age}
     * (the stored ones describe the old response).
     */
    static Freshness.Head updatedHead(Page stored, CaptureResponse notModified, List<String> updatedHeaders) {
        return name -> {
            String lower = name.toLowerCase(Locale.ROOT);
            switch (lower) {
                case "date", "age" -> {
                    return notModified.getHeaders(name);
                }
                case "etag" -> {
                    java.util.Collection<String> mine = notModified.getHeaders(name);
                    return !mine.isEmpty() ? mine
                            : stored.etagFromOrigin() && stored.etag() != null ? List.of(stored.etag()) : List.of();
                }
                case "last-modified" -> {
                    java.util.Collection<String> mine = notModified.getHeaders(name);
                    return !mine.isEmpty() ? mine : stored.lastModified() != null ? List.of(stored.lastModified()) : List.of();
                }
                default -> {
                    List<String> values = new ArrayList<>();
                    for (int i = 0; i + 1 < updatedHeaders.size(); i += 2) {
                        if (updatedHeaders.get(i).equalsIgnoreCase(name)) {
                            values.add(updatedHeaders.get(i + 1));
                        }
                    }
                    return values;
                }
            }
        };
    }

    /**
     * The stored page updated by a 304: its {@link #updatedHeaders}, the 304's validators and
     * {@code Date} where it has them, the new freshness; the body, status, variant key and tags stay.
     */
    static Page freshen(Page stored, CaptureResponse notModified, List<String> updatedHeaders, Freshness.Decision decision,
            long now) {
        String etag = notModified.getHeader("ETag") != null ? notModified.getHeader("ETag").trim() : stored.etag();
        String lastModified = notModified.getHeader("Last-Modified") != null ? notModified.getHeader("Last-Modified")
                : stored.lastModified();
        return new Page(stored.url(), stored.status(), now, decision.initialAgeMillis(), decision.freshMillis(),
                decision.staleWhileRevalidateMillis(), decision.staleIfErrorMillis(), etag, lastModified,
                stored.etagFromOrigin(), notModified.getHeader("Date"), decision.keepMillis(), stored.compressed(),
                stored.vary(), updatedHeaders, stored.tags(), stored.body(), stored.identity());
    }
}

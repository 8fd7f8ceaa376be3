package io.polystore.pagecache;

import io.polystore.pagecache.internal.CaptureResponse;
import io.polystore.pagecache.internal.Page;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;

/**
 * Pages and responses: what of a handler's response is stored (RFC 9110 §7.6.1: no hop-by-hop
 * fields, no cookies), how a stored page is written as an answer, and how a response that was not
 * stored is passed on.
 */
final class Responses {
    /**
     * The detail of a page this node rendered after waiting for another node's render that left no
     * page in Redis: the holder's response was not storable, or the holder died and its lease lapsed.
     */
    static final String LOCK_LAPSED = "lock-lapsed";

    private final Settings s;

    Responses(Settings s) {
        this.s = s;
    }

    /** Response headers a cache must not store or forward from storage (RFC 9110 §7.6.1, and ours). */
    static final Set<String> NOT_STORED = Set.of("connection", "keep-alive", "proxy-connection", "te",
            "trailer", "transfer-encoding", "upgrade", "proxy-authenticate", "proxy-authorization", "set-cookie",
            "date", "age", "content-length", "x-cache", "cache-status", "etag", "last-modified");

    Page toPage(String key, CaptureResponse cap, Freshness.Decision d, long now) {
        List<String> headers = new ArrayList<>();
        Set<String> connectionNamed = new TreeSet<>();
        for (String v : cap.getHeaders("Connection")) {
            for (String n : v.split(",")) {
                connectionNamed.add(n.trim().toLowerCase(Locale.ROOT));
            }
        }
        List<String> tags = new ArrayList<>();
        for (String[] h : cap.headerList()) {
            String lower = h[0].toLowerCase(Locale.ROOT);
            if (s.isTagHeader(lower)) {
                for (String t : h[1].split("[\\s,]+")) {
                    if (!t.isEmpty() && !tags.contains(t)) {
                        tags.add(t);
                    }
                }
                continue;
            }
            if (NOT_STORED.contains(lower) || connectionNamed.contains(lower)
                    || (!s.forwardSurrogateControl() && lower.equals("surrogate-control"))) {
                continue;
            }
            headers.add(h[0]);
            headers.add(h[1]);
        }
        byte[] identity = cap.body();
        boolean originEncoded = cap.getHeader("Content-Encoding") != null;
        boolean compress = !originEncoded && identity.length >= 256 && compressible(cap.getContentType());
        byte[] body = compress ? gzip(identity) : identity;
        String etag = cap.getHeader("ETag");
        boolean etagFromOrigin = etag != null;
        if (etag == null && cap.getStatus() == 200) {
            etag = "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(identity)).substring(0, 22) + "\"";
        }
        TreeSet<String> vary = new TreeSet<>();
        for (String v : cap.getHeaders("Vary")) {
            for (String n : v.split(",")) {
                String name = n.trim().toLowerCase(Locale.ROOT);
                // the cache serves both codings of a body it compressed itself: no variant per Accept-Encoding
                if (!name.isEmpty() && !(name.equals("accept-encoding") && !originEncoded)) {
                    vary.add(name);
                }
            }
        }
        return new Page(key, cap.getStatus(), now, d.initialAgeMillis(), d.freshMillis(), d.staleWhileRevalidateMillis(),
                d.staleIfErrorMillis(), etag, cap.getHeader("Last-Modified"), etagFromOrigin, cap.getHeader("Date"),
                d.keepMillis(), compress, String.join(",", vary), headers, tags, body, compress ? identity : null);
    }


    /**
     * Writes a stored page as the answer, or 304 when the request's validators match.
     * @return body bytes sent
     */
    long serve(Page page, HttpServletRequest req, HttpServletResponse res, Outcome outcome, String detail, long now)
            throws IOException {
        boolean gz = page.compressed() && Conditional.acceptsGzip(req);
        String etag = etag(page, gz);
        res.setStatus(page.status());
        head(page, etag, outcome, detail, now, sink(res));
        if (page.status() == 200 && Conditional.notModified(req, page, etag)) {
            res.setStatus(304);
            return 0;
        }
        byte[] body = gz ? page.body() : page.identity();
        if (gz) {
            res.setHeader("Content-Encoding", "gzip");
        }
        int from = 0;
        int length = body.length;
        String range = req.getHeader("Range");
        if (range != null && page.status() == 200 && ifRangeHolds(req.getHeader("If-Range"), etag, page.lastModified())) {
            long[] r = byteRange(range, body.length);
            if (r != null && r[0] < 0) {
                res.setStatus(416);
                res.setHeader("Content-Range", "bytes */" + body.length);
                res.setContentLength(0);
                return 0;
            }
            if (r != null) {
                // RFC 9110 §14.2: one satisfiable byte range of the stored page is answered from it
                res.setStatus(206);
                res.setHeader("Content-Range", "bytes " + r[0] + "-" + r[1] + "/" + body.length);
                from = (int) r[0];
                length = (int) (r[1] - r[0] + 1);
            }
        }
        res.setContentLength(length);
        if (!req.getMethod().equals("HEAD")) {
            res.getOutputStream().write(body, from, length);
        }
        return length;
    }

    /** Where a stored page's header fields are written: a servlet response, or a Jetty core response. */
    interface HeaderSink {
        /** Adds a field (another of the same name may be there). */
        void add(String name, String value);

        /** Sets a field, replacing any of the same name. */
        void set(String name, String value);
    }

    /** @return a servlet response as a sink of header fields */
    static HeaderSink sink(HttpServletResponse res) {
        return new HeaderSink() {
            @Override
            public void add(String name, String value) {
                res.addHeader(name, value);
            }

            @Override
            public void set(String name, String value) {
                res.setHeader(name, value);
            }
        };
    }

    /** @return the page's validator for the coding sent: the stored one, or its gzip form */
    static String etag(Page page, boolean gz) {
        return page.etag() == null ? null : gz ? Conditional.codingEtag(page.etag()) : page.etag();
    }

    /**
     * Writes the header fields of a stored page as an answer (its own fields, validators, Date and
     * Age, the cache's status fields), but not the status line, Content-Encoding or Content-Length.
     */
    void head(Page page, String etag, Outcome outcome, String detail, long now, HeaderSink res) {
        List<String> h = page.headers();
        boolean varyEncoding = false;
        for (int i = 0; i + 1 < h.size(); i += 2) {
            res.add(h.get(i), h.get(i + 1));
            if (h.get(i).equalsIgnoreCase("Vary") && h.get(i + 1).toLowerCase(Locale.ROOT).contains("accept-encoding")) {
                varyEncoding = true;
            }
        }
        if (page.compressed() && !varyEncoding) {
            res.add("Vary", "Accept-Encoding");
        }
        if (etag != null) {
            res.set("ETag", etag);
        }
        if (page.lastModified() != null) {
            res.set("Last-Modified", page.lastModified());
        }
        if (!s.stripTags() && !page.tags().isEmpty()) {
            res.set(s.tagHeaders().get(0), String.join(" ", page.tags()));
        }
        // the stored response's Date as the origin sent it (or when it arrived), and its age (RFC 9111 §4.2.3)
        res.set("Date", page.dateHeader());
        res.set("Age", Long.toString(page.ageMillis(now) / 1000));
        statusHeaders(res, outcome, cacheStatus(page, outcome, detail, now));
    }

    /** @return the {@code Cache-Status} parameters of a stored page's answer (RFC 9211) */
    static String cacheStatus(Page page, Outcome outcome, String detail, long now) {
        long ttl = page.ttlMillis(now) / 1000;
        String status = switch (outcome) {
            case HIT_L1 -> "hit; ttl=" + ttl + "; detail=l1";
            case HIT_L2 -> "hit; ttl=" + ttl + "; detail=l2" + ("collapsed".equals(detail) ? "; collapsed" : "");
            case STALE -> "hit; ttl=" + ttl + "; detail=" + detail;
            case REVALIDATED -> "fwd=stale; fwd-status=304" + ("stored".equals(detail) ? "; stored" : "") + "; ttl=" + ttl;
            default -> "fwd=uri-miss; fwd-status=" + page.status()
                    + ("stored".equals(detail) || LOCK_LAPSED.equals(detail) ? "; stored" : "")
                    + (LOCK_LAPSED.equals(detail) ? "; detail=lock-lapsed" : "")
                    + ("collapsed".equals(detail) ? "; collapsed" : "");
        };
        if (outcome == Outcome.STALE && "stale-if-error".equals(detail)) {
            status = "fwd=miss; ttl=" + ttl + "; detail=stale-if-error";
        }
        return status;
    }

    /**
     * One byte range of a representation of {@code size} bytes (RFC 9110 §14.1.2).
     *
     * @return {first, last} inclusive; {-1, -1} when the range cannot be satisfied; null when the
     *         header is not one byte range this cache answers (several ranges, another unit, a syntax
     *         error): then the whole page is sent, as a server may
     */
    static long[] byteRange(String header, long size) {
        String h = header.trim();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6) || h.indexOf(',') >= 0) {
            return null;
        }
        String spec = h.substring(6).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String a = spec.substring(0, dash).trim();
        String b = spec.substring(dash + 1).trim();
        if (!a.matches("[0-9]{0,18}") || !b.matches("[0-9]{0,18}") || a.isEmpty() && b.isEmpty()) {
            return null;
        }
        if (a.isEmpty()) {
            long suffix = Long.parseLong(b);
            if (suffix == 0 || size == 0) {
                return new long[] {-1, -1};
            }
            return new long[] {Math.max(0, size - suffix), size - 1};
        }
        long first = Long.parseLong(a);
        long last = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
        if (last < first) {
            return null; // invalid: ignored (RFC 9110 §14.1.1)
        }
        if (first >= size) {
            return new long[] {-1, -1};
        }
        return new long[] {first, Math.min(last, size - 1)};
    }

    /**
     * {@code If-Range} (RFC 9110 §13.1.5): the range applies only when it names the representation
     * served, by a strong entity tag equal to its own or by its exact {@code Last-Modified} date.
     */
    private static boolean ifRangeHolds(String ifRange, String etag, String lastModified) {
        if (ifRange == null) {
            return true;
        }
        String v = ifRange.trim();
        if (v.startsWith("\"") || v.startsWith("W/")) {
            return etag != null && !v.startsWith("W/") && !etag.startsWith("W/") && v.equals(etag);
        }
        return lastModified != null && v.equals(lastModified.trim());
    }

    /** Passes on a response that was not stored, as the handler made it (less tag headers). */
    void replay(CaptureResponse cap, HttpServletResponse res, String reason) throws IOException {
        copyHead(cap, res);
        statusHeaders(res, Outcome.MISS, "fwd=uri-miss; fwd-status=" + cap.getStatus() + "; detail=" + reason);
        if (cap.isError()) {
            res.sendError(cap.getStatus(), cap.errorMessage());
            return;
        }
        byte[] body = cap.body();
        res.setContentLength(body.length);
        res.getOutputStream().write(body);
    }

    void copyHead(CaptureResponse cap, HttpServletResponse res) {
        res.setStatus(cap.getStatus());
        for (String[] h : cap.headerList()) {
            String lower = h[0].toLowerCase(Locale.ROOT);
            if ((s.stripTags() && s.isTagHeader(lower)) || (!s.forwardSurrogateControl() && lower.equals("surrogate-control"))
                    || lower.equals("content-length")) {
                continue;
            }
            res.addHeader(h[0], h[1]);
        }
        for (Cookie cookie : cap.cookies()) {
            res.addCookie(cookie);
        }
    }

    void statusHeaders(HttpServletResponse res, Outcome outcome, String cacheStatus) {
        statusHeaders(sink(res), outcome, cacheStatus);
    }

    void statusHeaders(HeaderSink res, Outcome outcome, String cacheStatus) {
        if (s.statusHeaders()) {
            res.set("X-Cache", outcome.header());
            res.set("Cache-Status", "Polystore; " + cacheStatus);
            // the one response header a page's own script can read (PerformanceResourceTiming.serverTiming)
            res.add("Server-Timing", "cache;desc=\"" + outcome.header() + "\"");
        }
    }

    private static boolean compressible(String contentType) {
        if (contentType == null) {
            return false;
        }
        String t = contentType.toLowerCase(Locale.ROOT);
        int semi = t.indexOf(';');
        t = (semi < 0 ? t : t.substring(0, semi)).trim();
        return t.startsWith("text/") || t.equals("application/json") || t.endsWith("+json") || t.endsWith("+xml")
                || t.equals("application/xml") || t.equals("application/javascript") || t.equals("image/svg+xml");
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 3 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256Hex(String s, int hexChars) {
        return HexFormat.of().formatHex(sha256(s.getBytes(StandardCharsets.UTF_8))).substring(0, hexChars);
    }
}

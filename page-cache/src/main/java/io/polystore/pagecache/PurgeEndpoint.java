package io.polystore.pagecache;

import io.polystore.pagecache.internal.UrlNormalizer;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Purges that arrive over HTTP: the purge endpoint ({@code purge-path}, token and address checked)
 * and the invalidation an unsafe request causes (RFC 9111 §4.4).
 */
final class PurgeEndpoint {
    private static final Logger LOG = Logger.getLogger(PurgeEndpoint.class.getName());

    private final PageCache c;

    PurgeEndpoint(PageCache c) {
        this.c = c;
    }

    void invalidateAfterUnsafe(HttpServletRequest req, HttpServletResponse res) {
        int status = res.getStatus();
        if (status < 200 || status >= 400) {
            return;
        }
        String scheme = req.getScheme().toLowerCase(Locale.ROOT);
        String host = UrlNormalizer.host(req.getServerName());
        if (!c.settings.hostAllowed(host)) {
            return;
        }
        String origin = scheme + "://" + PageCache.authority(scheme, host, req.getServerPort());
        String target = origin + req.getRequestURI() + (req.getQueryString() != null ? "?" + req.getQueryString() : "");
        purgeQuietly(target);
        for (String header : List.of("Location", "Content-Location")) {
            String value = res.getHeader(header);
            if (value == null) {
                continue;
            }
            try {
                URI resolved = URI.create(target).resolve(value.trim());
                String u = resolved.toString();
                // only the same origin: a response must not purge another site's pages (RFC 9111 §4.4)
                if (u.startsWith(origin + "/")) {
                    purgeQuietly(u);
                }
            } catch (IllegalArgumentException e) {
                // an unparseable Location purges nothing
            }
        }
    }

    private void purgeQuietly(String url) {
        try {
            c.invalidateUrl(url); // waits at most two Redis timeouts; retried until Redis accepts it
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "page cache: could not purge " + url, e);
        }
    }

    void handle(HttpServletRequest req, HttpServletResponse res) throws IOException {
        res.setHeader("Cache-Control", "no-store");
        if (!req.getMethod().equals("POST") && !req.getMethod().equals("PURGE")) {
            res.setHeader("Allow", "POST, PURGE");
            answer(res, 405, "{\"error\":\"use POST or PURGE\"}");
            return;
        }
        if (!addressAllowed(req.getRemoteAddr())) {
            answer(res, 403, "{\"error\":\"address not allowed\"}");
            return;
        }
        String given = req.getHeader("X-Purge-Token");
        String auth = req.getHeader("Authorization");
        if (given == null && auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            given = auth.substring(7).trim();
        }
        if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                c.settings.purgeToken().getBytes(StandardCharsets.UTF_8))) {
            res.setHeader("WWW-Authenticate", "Bearer");
            answer(res, 401, "{\"error\":\"missing or wrong purge token\"}");
            return;
        }
        String[] urls = values(req, "url");
        String[] prefixes = values(req, "prefix");
        String[] tags = values(req, "tag");
        boolean all = "true".equals(req.getParameter("all"));
        if (urls.length + prefixes.length + tags.length == 0 && !all) {
            answer(res, 400, "{\"error\":\"name what to purge: url=, prefix=, tag= or all=true\"}");
            return;
        }
        List<PurgeResult> results = new ArrayList<>();
        try {
            for (String u : urls) {
                results.add(c.purgeUrl(u));
            }
            for (String p : prefixes) {
                results.add(c.purgePrefix(p));
            }
            for (String t : tags) {
                results.add(c.purgeTag(t));
            }
            if (all) {
                results.add(c.purgeAll());
            }
        } catch (IllegalArgumentException e) {
            answer(res, 400, "{\"error\":" + jsonString(e.getMessage()) + "}");
            return;
        }
        long pending = results.stream().filter(r -> !r.delivered()).count();
        String counts = "{\"urls\":" + urls.length + ",\"prefixes\":" + prefixes.length + ",\"tags\":" + tags.length
                + ",\"all\":" + all + "}";
        if (pending > 0) {
            // this node's memory is purged and the purge is being retried, but the other nodes may
            // still serve the pages: the caller must know (and may retry, or alarm)
            String why = results.stream().filter(r -> !r.delivered()).map(PurgeResult::failure)
                    .filter(Objects::nonNull).findFirst().orElse("not delivered in time");
            res.setHeader("Retry-After", "1");
            answer(res, 503, "{\"error\":\"the shared tier did not accept the purge yet; it is being retried\",\"pending\":"
                    + pending + ",\"cause\":" + jsonString(why) + ",\"requested\":" + counts + "}");
            return;
        }
        answer(res, 200, "{\"purged\":" + counts + "}");
    }

    private static String jsonString(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char ch : String.valueOf(s).toCharArray()) {
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static String[] values(HttpServletRequest req, String name) {
        String[] v = req.getParameterValues(name);
        return v == null ? new String[0] : v;
    }

    private static void answer(HttpServletResponse res, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        res.setStatus(status);
        res.setContentType("application/json");
        res.setContentLength(body.length);
        res.getOutputStream().write(body);
    }

    private boolean addressAllowed(String address) {
        for (String cidr : c.settings.purgeAllow()) {
            if (inCidr(address, cidr)) {
                return true;
            }
        }
        return false;
    }

    static void checkCidr(String cidr) {
        String[] parts = cidr.trim().split("/");
        byte[] net = literal(parts[0]);
        if (net == null) {
            throw new IllegalArgumentException("not an IP address: " + cidr);
        }
        if (parts.length > 1) {
            int bits = Integer.parseInt(parts[1]);
            if (bits < 0 || bits > net.length * 8) {
                throw new IllegalArgumentException("bad prefix length: " + cidr);
            }
        }
    }

    static boolean inCidr(String address, String cidr) {
        String[] parts = cidr.trim().split("/");
        byte[] net = literal(parts[0]);
        byte[] addr = literal(address);
        if (net == null || addr == null || net.length != addr.length) {
            return false;
        }
        int bits = parts.length > 1 ? Integer.parseInt(parts[1]) : net.length * 8;
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >> (i % 8);
            if ((net[i / 8] & mask) != (addr[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** @return the address bytes of an IP literal, never a DNS lookup; null if not a literal */
    private static byte[] literal(String s) {
        String t = s.trim();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        if (!t.matches("[0-9.]+") && !t.contains(":")) {
            return null;
        }
        try {
            return InetAddress.getByName(t).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}

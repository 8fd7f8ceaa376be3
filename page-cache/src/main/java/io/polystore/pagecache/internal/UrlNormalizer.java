package io.polystore.pagecache.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Normalises the parts of a request URL that make up a cache key (RFC 3986 §6.2.2): hex digits of
 * percent-encodings in upper case, percent-encoded unreserved characters decoded, dot-segments
 * removed, query parameters sorted with ignored names dropped.
 *
 * <p>Each normalised part keeps its delimiter out of its own alphabet: a path never holds a raw
 * {@code ?}, and a query parameter never holds a raw {@code &} or {@code =} other than the first
 * {@code =} of the pair, because those stay percent-encoded. So {@code scheme://host/path?query} is
 * unambiguous: {@code /a?bc} and {@code /ab?c} give different keys.
 */
public final class UrlNormalizer {
    private UrlNormalizer() {
    }

    /**
     * @param rawPath the path as sent ({@code HttpServletRequest.getRequestURI()})
     * @return the normalised path, starting with {@code /}
     */
    public static String path(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        String p = percent(rawPath);
        p = removeDotSegments(p);
        return p.startsWith("/") ? p : "/" + p;
    }

    /**
     * @param rawQuery the query as sent, without {@code ?} (may be null)
     * @param ignored  says which parameter names (normalised) to leave out of the key
     * @return the parameters, normalised and sorted by name then value, joined by {@code &}
     */
    public static String query(String rawQuery, Predicate<String> ignored) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> params = new ArrayList<>();
        for (String part : rawQuery.split("&", -1)) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String name = percent(eq < 0 ? part : part.substring(0, eq));
            String value = eq < 0 ? null : percent(part.substring(eq + 1));
            if (ignored.test(name)) {
                continue;
            }
            params.add(new String[] {name, value});
        }
        params.sort((a, b) -> {
            int c = a[0].compareTo(b[0]);
            if (c != 0) {
                return c;
            }
            if (a[1] == null || b[1] == null) {
                return a[1] == null ? (b[1] == null ? 0 : -1) : 1;
            }
            return a[1].compareTo(b[1]);
        });
        StringBuilder sb = new StringBuilder(rawQuery.length());
        for (String[] p : params) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(p[0]);
            if (p[1] != null) {
                sb.append('=').append(p[1]);
            }
        }
        return sb.toString();
    }

    /**
     * Percent-encoding normalisation: decodes unreserved characters, upper-cases the hex digits of
     * the rest, and encodes characters that may not appear raw (controls, space, non-ASCII) and the
     * delimiters {@code ?} and {@code #}, so that equivalent spellings give one string.
     */
    static String percent(String s) {
        StringBuilder sb = null;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < n && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                int v = hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2));
                if (sb == null) {
                    sb = new StringBuilder(n).append(s, 0, i);
                }
                if (unreserved(v)) {
                    sb.append((char) v);
                } else {
                    sb.append('%').append(HEX[v >> 4]).append(HEX[v & 15]);
                }
                i += 2;
            } else if (mustEncode(c)) {
                if (sb == null) {
                    sb = new StringBuilder(n + 16).append(s, 0, i);
                }
                int cp = Character.codePointAt(s, i);
                if (Character.charCount(cp) == 2) {
                    i++;
                }
                for (byte b : new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                    sb.append('%').append(HEX[(b >> 4) & 15]).append(HEX[b & 15]);
                }
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private static boolean mustEncode(char c) {
        // a raw '?' is legal in a query (never in a path); it is encoded so that '?' and '%3F' give one key
        if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`'
                || c == '{' || c == '|' || c == '}' || c == '%') {
            return true;
        }
        return c == '#' || c == '?';
    }

    private static boolean unreserved(int v) {
        return (v >= 'a' && v <= 'z') || (v >= 'A' && v <= 'Z') || (v >= '0' && v <= '9')
                || v == '-' || v == '.' || v == '_' || v == '~';
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** RFC 3986 §5.2.4. */
    static String removeDotSegments(String path) {
        if (path.indexOf('.') < 0) {
            return path;
        }
        String in = path;
        StringBuilder out = new StringBuilder(path.length());
        while (!in.isEmpty()) {
            if (in.startsWith("../")) {
                in = in.substring(3);
            } else if (in.startsWith("./")) {
                in = in.substring(2);
            } else if (in.startsWith("/./")) {
                in = in.substring(2);
            } else if (in.equals("/.")) {
                in = "/";
            } else if (in.startsWith("/../")) {
                in = in.substring(3);
                truncateLastSegment(out);
            } else if (in.equals("/..")) {
                in = "/";
                truncateLastSegment(out);
            } else if (in.equals(".") || in.equals("..")) {
                in = "";
            } else {
                int start = in.startsWith("/") ? 1 : 0;
                int next = in.indexOf('/', start);
                if (next < 0) {
                    next = in.length();
                }
                out.append(in, 0, next);
                in = in.substring(next);
            }
        }
        return out.toString();
    }

    private static void truncateLastSegment(StringBuilder out) {
        int slash = out.lastIndexOf("/");
        out.setLength(Math.max(slash, 0));
    }

    /**
     * @param host the host as the container reports it
     * @return lower case, without a trailing dot
     */
    public static String host(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }
}

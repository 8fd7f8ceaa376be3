package io.polystore.pagecache.internal;

import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The directives of a {@code Cache-Control}-style header (also {@code Surrogate-Control} and
 * {@code CDN-Cache-Control}): names in lower case, values unquoted; a directive without a value maps
 * to the empty string. Malformed parts are skipped, never thrown on.
 */
public final class Directives {
    public static final Directives NONE = new Directives(Map.of());

    private final Map<String, String> values;

    private Directives(Map<String, String> values) {
        this.values = values;
    }

    /**
     * @param headers every value of the header (may be null)
     * @return the directives
     */
    public static Directives parse(Iterable<String> headers) {
        if (headers == null) {
            return NONE;
        }
        Map<String, String> map = null;
        for (String header : headers) {
            if (header == null) {
                continue;
            }
            int i = 0;
            int n = header.length();
            while (i < n) {
                while (i < n && (header.charAt(i) == ',' || header.charAt(i) == ' ' || header.charAt(i) == '\t')) {
                    i++;
                }
                int start = i;
                while (i < n && header.charAt(i) != '=' && header.charAt(i) != ',') {
                    i++;
                }
                String name = header.substring(start, i).trim().toLowerCase(Locale.ROOT);
                String value = "";
                if (i < n && header.charAt(i) == '=') {
                    i++;
                    if (i < n && header.charAt(i) == '"') {
                        StringBuilder sb = new StringBuilder();
                        i++;
                        while (i < n && header.charAt(i) != '"') {
                            if (header.charAt(i) == '\\' && i + 1 < n) {
                                i++;
                            }
                            sb.append(header.charAt(i++));
                        }
                        i++;
                        value = sb.toString();
                        while (i < n && header.charAt(i) != ',') {
                            i++;
                        }
                    } else {
                        int vs = i;
                        while (i < n && header.charAt(i) != ',') {
                            i++;
                        }
                        value = header.substring(vs, i).trim();
                    }
                }
                if (!name.isEmpty()) {
                    if (map == null) {
                        map = new HashMap<>();
                    }
                    map.putIfAbsent(name, value);
                }
            }
        }
        return map == null ? NONE : new Directives(Collections.unmodifiableMap(map));
    }

    /** @return whether the directive is present */
    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** @return whether no directive is present */
    public boolean isEmpty() {
        return values.isEmpty();
    }

    /**
     * @return the directive's value in seconds, or -1 when absent or not a non-negative integer
     *         (RFC 9111 §1.2.2: values too large are taken as 2^31)
     */
    public long seconds(String name) {
        String v = values.get(name);
        if (v == null || v.isEmpty()) {
            return -1;
        }
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                return -1;
            }
        }
        return v.length() > 10 ? 2147483648L : Math.min(Long.parseLong(v), 2147483648L);
    }

    @Override
    public String toString() {
        return values.toString();
    }
}

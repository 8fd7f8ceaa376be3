package io.polystore.spi;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of logs and messages: passwords in URIs and option values.
 */
public final class Redaction {
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@:?#]*):[^/@?#]*@");
    private static final Pattern SECRET_PARAM = Pattern.compile(
            "(?i)([?&;](?:password|passwd|pwd|pass|secret|token|api[-_]?key|access[-_]?key)=)[^&;]*");

    private Redaction() {
    }

    /**
     * @param uri a store URI
     * @return the URI with the password of its user info and secret parameters replaced by {@code ***}
     */
    public static String uri(String uri) {
        if (uri == null) {
            return null;
        }
        String out = USER_INFO.matcher(uri).replaceAll("$1:***@");
        return SECRET_PARAM.matcher(out).replaceAll("$1***");
    }

    /**
     * @param key an option key
     * @return whether values of that option are secrets
     */
    public static boolean isSecretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("token") || k.endsWith("key")
                || k.equals("pwd") || k.equals("pass");
    }

    /**
     * @param key   an option key
     * @param value its value
     * @return the value, or {@code ***} if the key names a secret
     */
    public static String value(String key, Object value) {
        return isSecretKey(key) ? "***" : String.valueOf(value);
    }
}

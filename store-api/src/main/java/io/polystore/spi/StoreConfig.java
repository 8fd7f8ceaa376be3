package io.polystore.spi;

import io.polystore.ConfigurationException;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One configured store: its name, URI and options, and where they came from, so that a back end
 * can reject a bad option with a message naming the file, the key and the value. Immutable.
 */
public final class StoreConfig {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final String name;
    private final String uri;
    private final Map<String, String> options;
    private final String source;

    /**
     * @param name    the store's name
     * @param uri     the store's URI
     * @param options option keys and values
     * @param source  where the configuration came from ({@code "polystore.yaml"}, {@code "Polystore.builder()"})
     */
    public StoreConfig(String name, String uri, Map<String, String> options, String source) {
        this.name = name;
        this.uri = uri;
        this.options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
        this.source = source;
    }

    /**
     * @param key   an option
     * @param value its new value
     * @return the same configuration with the option set (for {@link StoreProvider#inNamespace})
     */
    public StoreConfig withOption(String key, String value) {
        Map<String, String> changed = new LinkedHashMap<>(options);
        changed.put(key, value);
        return new StoreConfig(name, uri, changed, source);
    }

    /**
     * @param newUri another URI
     * @return the same configuration with that URI (for {@link StoreProvider#inNamespace})
     */
    public StoreConfig withUri(String newUri) {
        return new StoreConfig(name, newUri, options, source);
    }

    /** @return the store's name */
    public String name() {
        return name;
    }

    /** @return the store's URI, which may hold a password: log {@link #redactedUri()} instead */
    public String uri() {
        return uri;
    }

    /** @return the URI without secrets */
    public String redactedUri() {
        return Redaction.uri(uri);
    }

    /** @return the options, in the order given */
    public Map<String, String> options() {
        return options;
    }

    /** @return where the configuration came from */
    public String source() {
        return source;
    }

    /**
     * The URI scheme a provider is chosen by: the part before the first colon, lower case, or for
     * JDBC URIs {@code jdbc:} and the sub-protocol ({@code jdbc:postgresql}).
     *
     * @param uri a store URI
     * @return its scheme, or empty if it has none
     */
    public static String scheme(String uri) {
        int colon = uri.indexOf(':');
        if (colon <= 0) {
            return "";
        }
        String first = uri.substring(0, colon).toLowerCase(Locale.ROOT);
        if (first.equals("jdbc")) {
            int next = uri.indexOf(':', colon + 1);
            return next < 0 ? first : uri.substring(0, next).toLowerCase(Locale.ROOT);
        }
        return first;
    }

    /** @return the scheme of this store's URI */
    public String scheme() {
        return scheme(uri);
    }

    /**
     * @param key an option key
     * @return its value, if set
     */
    public Optional<String> option(String key) {
        return Optional.ofNullable(options.get(key));
    }

    /**
     * @param key      an option key
     * @param fallback the default
     * @return the option as text
     */
    public String stringOption(String key, String fallback) {
        return options.getOrDefault(key, fallback);
    }

    /**
     * @param key      an option key
     * @param fallback the default
     * @param min      the least allowed value
     * @param max      the greatest allowed value
     * @return the option as an integer
     * @throws ConfigurationException if it is not an integer in range
     */
    public int intOption(String key, int fallback, int min, int max) {
        String v = options.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            int i = Integer.parseInt(v.trim());
            if (i < min || i > max) {
                throw invalid(key, "must be between " + min + " and " + max);
            }
            return i;
        } catch (NumberFormatException e) {
            throw invalid(key, "must be an integer");
        }
    }

    /**
     * @param key      an option key
     * @param fallback the default
     * @return the option as a boolean ({@code true}/{@code false})
     * @throws ConfigurationException if it is neither
     */
    public boolean booleanOption(String key, boolean fallback) {
        String v = options.get(key);
        if (v == null) {
            return fallback;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(key, "must be true or false");
        };
    }

    /**
     * Reads a duration written as {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 1d} or ISO-8601 ({@code PT5S}).
     *
     * @param key      an option key
     * @param fallback the default
     * @return the option as a duration
     * @throws ConfigurationException if it is not a non-negative duration
     */
    public Duration durationOption(String key, Duration fallback) {
        String v = options.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return parseDuration(v);
        } catch (IllegalArgumentException e) {
            throw invalid(key, "must be a duration such as 500ms, 5s, 2m, 1h or PT5S");
        }
    }

    /**
     * Parses {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 1d} or ISO-8601 ({@code PT5S}).
     *
     * @param text the text
     * @return the duration, not negative
     * @throws IllegalArgumentException if the text is not such a duration
     */
    public static Duration parseDuration(String text) {
        String t = text.trim();
        Matcher m = DURATION.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            Duration d = Duration.parse(t);
            if (d.isNegative()) {
                throw new IllegalArgumentException("negative duration: " + text);
            }
            return d;
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("not a duration: " + text, e);
        }
    }

    /**
     * @param key      an option key
     * @param type     the enum
     * @param fallback the default
     * @param <E>      the enum
     * @return the option as an enum constant, matched case-insensitively with {@code -} as {@code _}
     * @throws ConfigurationException naming the allowed values if it is none of them
     */
    public <E extends Enum<E>> E enumOption(String key, Class<E> type, E fallback) {
        String v = options.get(key);
        if (v == null) {
            return fallback;
        }
        String wanted = v.trim().replace('-', '_');
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(wanted)) {
                return e;
            }
        }
        Set<String> allowed = new TreeSet<>();
        for (E e : type.getEnumConstants()) {
            allowed.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw invalid(key, "must be one of " + allowed);
    }

    /**
     * Rejects options the back end does not know, so that a typo does not pass silently.
     *
     * @param known the option keys the back end reads
     * @throws ConfigurationException naming the first unknown key and the known ones
     */
    public void requireKnownOptions(Set<String> known) {
        for (String key : options.keySet()) {
            if (!known.contains(key)) {
                throw new ConfigurationException(source + ": " + optionPath(key) + ": unknown option for a '"
                        + scheme() + "' store; known options: " + new TreeSet<>(known));
            }
        }
    }

    /**
     * An error for a bad option value, naming the source, the key and the value (unless secret).
     *
     * @param key     the option key
     * @param problem what is wrong ("must be an integer")
     * @return the exception, to throw
     */
    public ConfigurationException invalid(String key, String problem) {
        return new ConfigurationException(source + ": " + optionPath(key) + ": " + problem + ", but was '"
                + Redaction.value(key, options.get(key)) + "'");
    }

    /**
     * An error about the URI, naming the source and the URI without secrets.
     *
     * @param problem what is wrong
     * @return the exception, to throw
     */
    public ConfigurationException invalidUri(String problem) {
        return new ConfigurationException(source + ": stores." + name + ".uri: " + problem + ", but was '"
                + redactedUri() + "'");
    }

    private String optionPath(String key) {
        return "stores." + name + ".options." + key;
    }

    @Override
    public String toString() {
        Map<String, String> shown = new LinkedHashMap<>();
        options.forEach((k, v) -> shown.put(k, Redaction.value(k, v)));
        return "StoreConfig[" + name + " " + redactedUri() + " " + shown + " from " + source + "]";
    }
}

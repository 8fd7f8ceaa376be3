package io.polystore;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the YAML configuration into a {@link Polystore.Builder}, checking every key and value and
 * naming the file, the key and the bad value in each error.
 */
final class YamlConfig {
    private static final Set<String> ROOT_KEYS = Set.of("stores", "entities", "default", "page-cache");
    private static final Set<String> STORE_KEYS = Set.of("uri", "options");
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

    private final String source;
    private final Function<String, String> variables;

    private YamlConfig(String source, Function<String, String> variables) {
        this.source = source;
        this.variables = variables;
    }

    static Polystore.Builder read(Path file, Function<String, String> variables) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigurationException(file + ": cannot read the configuration file: " + e, e);
        }
        return parse(text, file.toString(), variables);
    }

    static Polystore.Builder parse(String yaml, String source, Function<String, String> variables) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            String hint = String.valueOf(e.getOriginalMessage()).contains("mapping values are not allowed")
                    ? " (quote values that end with ':' or hold ': ', e.g. main: \"mem:\")" : "";
            throw new ConfigurationException(source + ": not valid YAML" + where + ": " + e.getOriginalMessage() + hint, e);
        }
        return new YamlConfig(source, variables).toBuilder(root);
    }

    private ConfigurationException error(String key, String problem) {
        return new ConfigurationException(source + ": " + key + ": " + problem);
    }

    private Polystore.Builder toBuilder(JsonNode root) {
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new ConfigurationException(source + ": the file is empty; it needs at least 'stores:'");
        }
        if (!root.isObject()) {
            throw new ConfigurationException(source + ": expected a mapping with the keys " + ROOT_KEYS + ", but found "
                    + describe(root));
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!ROOT_KEYS.contains(key)) {
                throw error(key, "unknown key; expected one of [default, entities, page-cache, stores]");
            }
        }
        Polystore.Builder builder = new Polystore.Builder(source);
        JsonNode stores = root.get("stores");
        if (stores == null || stores.isNull() || (stores.isObject() && stores.isEmpty())) {
            throw error("stores", "at least one store is required, e.g. 'stores: { main: \"mem:\" }'");
        }
        if (!stores.isObject()) {
            throw error("stores", "expected a mapping of store names to URIs, but found " + describe(stores));
        }
        for (Map.Entry<String, JsonNode> e : stores.properties()) {
            store(builder, e.getKey(), e.getValue());
        }
        JsonNode dflt = root.get("default");
        if (dflt != null && !dflt.isNull()) {
            String name = scalar("default", dflt);
            if (!stores.has(name)) {
                throw error("default", "no store named '" + name + "'; stores: " + names(stores));
            }
            builder.defaultStore(name);
        }
        JsonNode entities = root.get("entities");
        if (entities != null && !entities.isNull()) {
            if (!entities.isObject()) {
                throw error("entities", "expected a mapping of entity class names to store names, but found "
                        + describe(entities));
            }
            for (Map.Entry<String, JsonNode> e : entities.properties()) {
                String key = "entities." + e.getKey();
                String store = scalar(key, e.getValue());
                if (!stores.has(store)) {
                    throw error(key, "no store named '" + store + "'; stores: " + names(stores));
                }
                builder.route(loadClass(key, e.getKey()), store, key);
            }
        }
        JsonNode pages = root.get("page-cache");
        if (pages != null && !pages.isNull()) {
            builder.section("page-cache", section("page-cache", pages));
        }
        return builder;
    }

    /**
     * A section read for another module (the page cache): a mapping of names to single values or
     * lists, placeholders expanded; list items are joined by line breaks.
     */
    private Map<String, String> section(String key, JsonNode node) {
        if (!node.isObject()) {
            throw error(key, "expected a mapping of settings, but found " + describe(node));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String k = key + "." + e.getKey();
            JsonNode v = e.getValue();
            if (v.isArray()) {
                java.util.List<String> items = new java.util.ArrayList<>();
                for (JsonNode item : v) {
                    items.add(scalar(k, item));
                }
                out.put(e.getKey(), String.join("\n", items));
            } else {
                out.put(e.getKey(), v.isNull() ? "" : scalar(k, v));
            }
        }
        return out;
    }

    private void store(Polystore.Builder builder, String name, JsonNode node) {
        String key = "stores." + name;
        if (!Polystore.STORE_NAME.matcher(name).matches()) {
            throw error(key, "a store name must start with a letter or digit and hold only letters, digits, '_', '.' and '-'");
        }
        String uri;
        Map<String, String> options = new LinkedHashMap<>();
        if (node.isTextual()) {
            uri = scalar(key, node);
        } else if (node.isObject()) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!STORE_KEYS.contains(k)) {
                    throw error(key + "." + k, "unknown key; expected 'uri' and optionally 'options'");
                }
            }
            JsonNode u = node.get("uri");
            if (u == null || u.isNull()) {
                throw error(key + ".uri", "missing; every store needs a URI such as mem: or jdbc:sqlite:app.db");
            }
            uri = scalar(key + ".uri", u);
            JsonNode opts = node.get("options");
            if (opts != null && !opts.isNull()) {
                if (!opts.isObject()) {
                    throw error(key + ".options", "expected a mapping of option names to values, but found " + describe(opts));
                }
                for (Map.Entry<String, JsonNode> o : opts.properties()) {
                    options.put(o.getKey(), scalar(key + ".options." + o.getKey(), o.getValue()));
                }
            }
        } else {
            throw error(key, "expected a URI or a mapping with 'uri' and 'options', but found " + describe(node));
        }
        if (uri.isBlank()) {
            throw error(key + ".uri", "empty; every store needs a URI such as mem: or jdbc:sqlite:app.db");
        }
        builder.store(name, uri, options);
    }

    /** A scalar value as text, with placeholders expanded. */
    private String scalar(String key, JsonNode node) {
        if (!node.isValueNode() || node.isNull()) {
            throw error(key, "expected a single value, but found " + describe(node));
        }
        return Placeholders.expand(node.asText(), variables, problem -> error(key, problem));
    }

    private Class<?> loadClass(String key, String className) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try {
            return Class.forName(className, false, loader != null ? loader : YamlConfig.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw error(key, "no class named '" + className + "' on the classpath (write the fully qualified name, "
                    + "with '$' for nested classes)");
        }
    }

    private static String names(JsonNode stores) {
        StringBuilder sb = new StringBuilder("[");
        for (Iterator<String> it = stores.fieldNames(); it.hasNext(); ) {
            sb.append(it.next()).append(it.hasNext() ? ", " : "");
        }
        return sb.append(']').toString();
    }

    private static String describe(JsonNode node) {
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isNull()) {
            return "nothing";
        }
        return "'" + node.asText() + "'";
    }
}

package io.polystore.keyvalue.internal;

/**
 * Key names. Everything of one entity type shares the hash tag {@code {prefix:Entity}}, so that an
 * entity and its index entries change atomically in one Lua script, in a cluster too; the cost is
 * that one entity type lives on one cluster node (see docs/KEYVALUE.md).
 */
final class Keys {
    private Keys() {
    }

    /** @return {@code {prefix:entity}:}, the start of every key of the entity type */
    static String base(String prefix, String entity) {
        return "{" + prefix + ":" + entity + "}:";
    }

    /** Escapes glob characters for SCAN MATCH, so that a prefix is matched literally. */
    static String glob(String literal) {
        StringBuilder sb = new StringBuilder(literal.length() + 8);
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\' || c == '^' || c == '-') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }
}

package io.polystore.graph.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names in Cypher. Labels, relationship types and property keys cannot be parameters, so they are
 * quoted: every name goes between backticks with its own backticks doubled, which Cypher reads back
 * as exactly the original text. Values are always parameters, never part of the query text.
 */
final class Cypher {
    /** Longest label or relationship type accepted (Neo4j's own limit on token names is larger). */
    static final int MAX_NAME = 16_384;

    private Cypher() {
    }

    /**
     * @param name a label, relationship type or property key
     * @return it quoted for the query text
     * @throws IllegalArgumentException if it is empty, too long or holds a NUL character
     */
    static String quote(String name) {
        check(name, "name");
        return "`" + name.replace("`", "``") + "`";
    }

    /**
     * @param type a relationship type as the caller gave it
     * @param what what it is, for the message
     * @return the type, checked
     */
    static String check(String type, String what) {
        if (type == null || type.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        if (type.length() > MAX_NAME) {
            throw new IllegalArgumentException(what + " is longer than " + MAX_NAME + " characters");
        }
        if (type.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " must not contain the NUL character");
        }
        return type;
    }

    /** @return a constraint or index name derived from parts, unique per parts and safe as an identifier */
    static String schemaName(String kind, String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String p : parts) {
                sha.update(p.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return "polystore_" + kind + "_" + HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** @return the SHA-256 of a text, in hex */
    static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}

package io.polystore.pagecache.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * A Redis URI of the shared tier, split once for every client: {@code redis://[user:password@]host:port[/db][?...]},
 * {@code rediss://...} (TLS) or {@code redis-cluster://[user:password@]host:port,host:port[?...]}.
 *
 * @param cluster  whether it names cluster seeds
 * @param uris     one {@code redis://} or {@code rediss://} URI per node, each with the credentials,
 *                 path and query (for a standalone server: the URI as given)
 */
record RedisAddress(boolean cluster, List<URI> uris) {

    private static final String CLUSTER = "redis-cluster://";

    /**
     * @throws IllegalArgumentException saying what is wrong (without quoting the URI, which may hold a password)
     */
    static RedisAddress parse(String uri) {
        if (!uri.startsWith(CLUSTER)) {
            if (!uri.startsWith("redis://") && !uri.startsWith("rediss://")) {
                throw new IllegalArgumentException("unknown scheme");
            }
            return new RedisAddress(false, List.of(node(uri)));
        }
        String rest = uri.substring(CLUSTER.length());
        String auth = "";
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            auth = rest.substring(0, at + 1);
            rest = rest.substring(at + 1);
        }
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q);
            rest = rest.substring(0, q);
        }
        List<URI> nodes = new ArrayList<>();
        for (String hostPort : rest.replaceAll("/+$", "").split(",")) {
            nodes.add(node("redis://" + auth + hostPort.trim() + query));
        }
        return new RedisAddress(true, List.copyOf(nodes));
    }

    private static URI node(String uri) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("malformed at index " + e.getIndex());
        }
        if (parsed.getHost() == null) {
            throw new IllegalArgumentException("no host, or a port that is not a number");
        }
        return parsed;
    }
}

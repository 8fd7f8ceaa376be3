package io.polystore.pagecache;

import io.polystore.pagecache.internal.Page;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;

import java.util.ArrayList;
import java.util.List;

/**
 * A stored page's answer from memory ({@code X-Cache: HIT-L1}) in one coding, with its header fields
 * encoded once for Jetty: all that {@link Responses#head} writes but {@code Age} and {@code Cache-Status},
 * which change with time. Kept on the page ({@link Page#prepared}), shared by the Jetty-core handler
 * and the filter's Jetty fast path. Needs {@code jetty-server} 12; loaded only on Jetty.
 *
 * @param date   the stored {@code Date}, a plain field: Jetty keeps its own as a persistent field and
 *               would encode a pre-encoded replacement again on every answer
 * @param added  fields added beside any of the same name (the page's own, {@code Vary}, {@code Server-Timing})
 * @param put    fields that replace any of the same name ({@code ETag}, {@code X-Cache}, ...)
 * @param length {@code Content-Length}
 * @param body   the body in this coding
 */
record PreparedAnswer(HttpField date, HttpField[] added, HttpField[] put, HttpField length, byte[] body) {

    /** @return the page's prepared answer in that coding, prepared now if no request prepared it before */
    static PreparedAnswer of(Page page, boolean gz, Responses responses, long now) {
        if (page.prepared(gz) instanceof PreparedAnswer ready) {
            return ready;
        }
        PreparedAnswer answer = prepare(page, gz, responses, now);
        page.prepared(gz, answer);
        return answer;
    }

    /**
     * Writes the answer's header fields, {@code Age} and (with status headers on) {@code Cache-Status},
     * but neither the status nor {@code Content-Length}.
     */
    void head(HttpFields.Mutable out, Page page, long now, boolean statusHeaders) {
        out.put(date);
        for (HttpField f : added) {
            out.add(f);
        }
        for (HttpField f : put) {
            out.put(f);
        }
        out.put(HttpHeader.AGE, Long.toString(page.ageMillis(now) / 1000));
        if (statusHeaders) {
            out.put("Cache-Status", "Polystore; " + Responses.cacheStatus(page, Outcome.HIT_L1, null, now));
        }
    }

    private static PreparedAnswer prepare(Page page, boolean gz, Responses responses, long now) {
        List<HttpField> added = new ArrayList<>();
        List<HttpField> put = new ArrayList<>();
        HttpField[] date = new HttpField[1];
        responses.head(page, Responses.etag(page, gz), Outcome.HIT_L1, null, now, new Responses.HeaderSink() {
            @Override
            public void add(String name, String value) {
                added.add(encoded(name, value));
            }

            @Override
            public void set(String name, String value) {
                if (name.equalsIgnoreCase("Date")) {
                    date[0] = new HttpField(HttpHeader.DATE, value);
                } else if (!name.equalsIgnoreCase("Age") && !name.equalsIgnoreCase("Cache-Status")) {
                    added.removeIf(f -> f.is(name));
                    put.removeIf(f -> f.is(name));
                    put.add(encoded(name, value));
                }
            }
        });
        byte[] body = gz ? page.body() : page.identity();
        if (gz) {
            put.add(encoded("Content-Encoding", "gzip"));
        }
        return new PreparedAnswer(date[0], added.toArray(new HttpField[0]), put.toArray(new HttpField[0]),
                encoded("Content-Length", Integer.toString(body.length)), body);
    }

    /** A field encoded once; known names keep their {@link HttpHeader}, which Jetty reads (Content-Length above all). */
    private static HttpField encoded(String name, String value) {
        HttpHeader known = HttpHeader.CACHE.get(name);
        return known != null ? new PreEncodedHttpField(known, name, value) : new PreEncodedHttpField(name, value);
    }
}

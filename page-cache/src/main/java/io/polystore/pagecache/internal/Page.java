package io.polystore.pagecache.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * One stored response: what RFC 9111 lets a shared cache keep (status, end-to-end headers, body)
 * and what it needs to compute freshness. Immutable. The body is gzip-compressed once when
 * {@link #compressed()} (the cache did it; the origin's own content coding is kept as sent), and
 * the identity body is kept beside it in memory so that neither form is computed per request.
 */
public final class Page {
    private static final byte FORMAT = 2;

    private final String url;
    private final int status;
    private final long storedAt;
    private final long initialAgeMillis;
    private final long freshMillis;
    private final long staleWhileRevalidateMillis;
    private final long staleIfErrorMillis;
    private final String etag;
    private final String lastModified;
    private final boolean etagFromOrigin;
    private final String date;
    /** the Date header a hit sends: the origin's, or when the page was stored; formatted once */
    private final String dateHeader;
    private final long keepMillis;
    private final boolean compressed;
    private final String vary;
    private final List<String> headers;
    private final List<String> tags;
    private final byte[] body;
    private final byte[] identity;
    /** a server adapter's answer prepared once per coding (the Jetty-core handler's fields); benign races */
    private volatile Object preparedIdentity;
    private volatile Object preparedGzip;

    /**
     * @param url      the normalised URL of the primary key (for prefix purges)
     * @param etagFromOrigin whether the origin sent the entity tag (else the cache made it, and the
     *                 origin cannot validate it)
     * @param date     the origin's {@code Date} as received, or null when it sent none
     * @param keepMillis how long past its stale windows the page is kept for revalidation (0: not kept)
     * @param headers  alternating names and values, end-to-end headers only
     * @param body     the body as stored: gzip when {@code compressed}
     * @param identity the decoded body when {@code compressed} (null: decoded on demand), else ignored
     */
    public Page(String url, int status, long storedAt, long initialAgeMillis, long freshMillis,
            long staleWhileRevalidateMillis, long staleIfErrorMillis, String etag, String lastModified,
            boolean etagFromOrigin, String date, long keepMillis, boolean compressed, String vary,
            List<String> headers, List<String> tags, byte[] body, byte[] identity) {
        this.url = url;
        this.status = status;
        this.storedAt = storedAt;
        this.initialAgeMillis = initialAgeMillis;
        this.freshMillis = freshMillis;
        this.staleWhileRevalidateMillis = staleWhileRevalidateMillis;
        this.staleIfErrorMillis = staleIfErrorMillis;
        this.etag = etag;
        this.lastModified = lastModified;
        this.etagFromOrigin = etagFromOrigin;
        this.date = date;
        this.dateHeader = date != null ? date : CaptureResponse.httpDate(storedAt);
        this.keepMillis = keepMillis;
        this.compressed = compressed;
        this.vary = vary;
        this.headers = List.copyOf(headers);
        this.tags = List.copyOf(tags);
        this.body = body;
        this.identity = compressed ? (identity != null ? identity : gunzip(body)) : body;
    }

    public String url() {
        return url;
    }

    public int status() {
        return status;
    }

    /** @return when the response was received, epoch ms */
    public long storedAt() {
        return storedAt;
    }

    /** @return the response's current age in ms (RFC 9111 §4.2.3) */
    public long ageMillis(long now) {
        return Math.max(0, now - storedAt) + initialAgeMillis;
    }

    public long freshMillis() {
        return freshMillis;
    }

    /** @return ms left of freshness at {@code now}; negative once stale */
    public long ttlMillis(long now) {
        return freshMillis - ageMillis(now);
    }

    public boolean isFresh(long now) {
        return ttlMillis(now) > 0;
    }

    /** @return whether it may still be served stale while one request revalidates it */
    public boolean withinStaleWhileRevalidate(long now) {
        return -ttlMillis(now) < staleWhileRevalidateMillis;
    }

    /** @return whether it may still be served stale when the origin fails */
    public boolean withinStaleIfError(long now) {
        return -ttlMillis(now) < staleIfErrorMillis;
    }

    /**
     * @return how long a tier should keep it from now, in ms: freshness plus the longer stale window,
     *         plus the keep time of a page the origin can validate
     */
    public long retainMillis(long now) {
        return ttlMillis(now) + Math.max(staleWhileRevalidateMillis, staleIfErrorMillis) + keepMillis;
    }

    /** @return whether the origin can validate it: it sent an entity tag or a Last-Modified date */
    public boolean hasValidator() {
        return etagFromOrigin && etag != null || lastModified != null;
    }

    /** @return whether the origin sent the entity tag */
    public boolean etagFromOrigin() {
        return etagFromOrigin;
    }

    /** @return the origin's Date as received, or null */
    public String date() {
        return date;
    }

    /** @return the {@code Date} a response from this page carries: the origin's, else when it was stored */
    public String dateHeader() {
        return dateHeader;
    }

    /**
     * @param gzip which coding
     * @return what a server adapter prepared for answering with this page in that coding, or null
     */
    public Object prepared(boolean gzip) {
        return gzip ? preparedGzip : preparedIdentity;
    }

    /**
     * Keeps what a server adapter prepared for answering with this page (its fields, encoded once);
     * two threads preparing at once keep either's, which are equal.
     */
    public void prepared(boolean gzip, Object value) {
        if (gzip) {
            preparedGzip = value;
        } else {
            preparedIdentity = value;
        }
    }

    public long keepMillis() {
        return keepMillis;
    }

    public long initialAgeMillis() {
        return initialAgeMillis;
    }

    public long staleWhileRevalidateMillis() {
        return staleWhileRevalidateMillis;
    }

    public long staleIfErrorMillis() {
        return staleIfErrorMillis;
    }

    /** @return the strong entity tag of the identity representation, quoted */
    public String etag() {
        return etag;
    }

    public String lastModified() {
        return lastModified;
    }

    /** @return whether the cache compressed the body (and can serve it either way) */
    public boolean compressed() {
        return compressed;
    }

    /** @return the lower-case header names of the response's Vary that key variants, comma-joined, or "" */
    public String vary() {
        return vary;
    }

    /** @return alternating header names and values */
    public List<String> headers() {
        return headers;
    }

    public List<String> tags() {
        return tags;
    }

    /** @return the stored body: gzip when {@link #compressed()} */
    public byte[] body() {
        return body;
    }

    /** @return the body without the cache's compression */
    public byte[] identity() {
        return identity;
    }

    /** @return approximate bytes held in memory, for the local tier's weigher */
    public int weight() {
        int w = 240 + url.length() * 2 + body.length + (identity != body ? identity.length : 0);
        for (String h : headers) {
            w += 40 + h.length() * 2;
        }
        for (String t : tags) {
            w += 40 + t.length() * 2;
        }
        return w;
    }

    /** @return the shared tier's form of this page (without the identity copy) */
    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(body.length + 512);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            writeString(out, url);
            out.writeShort(status);
            out.writeLong(storedAt);
            out.writeLong(initialAgeMillis);
            out.writeLong(freshMillis);
            out.writeLong(staleWhileRevalidateMillis);
            out.writeLong(staleIfErrorMillis);
            writeString(out, etag);
            writeString(out, lastModified);
            out.writeBoolean(etagFromOrigin);
            writeString(out, date);
            out.writeLong(keepMillis);
            out.writeBoolean(compressed);
            writeString(out, vary);
            out.writeInt(headers.size());
            for (String h : headers) {
                writeString(out, h);
            }
            out.writeInt(tags.size());
            for (String t : tags) {
                writeString(out, t);
            }
            out.writeInt(body.length);
            out.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * @param data what {@link #encode()} wrote
     * @return the page, or null if the data is not a page of this format (then it is treated as a miss)
     */
    public static Page decode(byte[] data) {
        if (data == null || data.length == 0 || data[0] != FORMAT) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            in.readByte();
            String url = readString(in);
            int status = in.readShort();
            long storedAt = in.readLong();
            long initialAge = in.readLong();
            long fresh = in.readLong();
            long swr = in.readLong();
            long sie = in.readLong();
            String etag = readString(in);
            String lastModified = readString(in);
            boolean etagFromOrigin = in.readBoolean();
            String date = readString(in);
            long keep = in.readLong();
            boolean compressed = in.readBoolean();
            String vary = readString(in);
            int hn = in.readInt();
            List<String> headers = new ArrayList<>(hn);
            for (int i = 0; i < hn; i++) {
                headers.add(readString(in));
            }
            int tn = in.readInt();
            List<String> tags = new ArrayList<>(tn);
            for (int i = 0; i < tn; i++) {
                tags.add(readString(in));
            }
            byte[] body = new byte[in.readInt()];
            in.readFully(body);
            return new Page(url, status, storedAt, initialAge, fresh, swr, sie, etag, lastModified, etagFromOrigin, date,
                    keep, compressed, vary, headers, tags, body, null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    static byte[] gunzip(byte[] gz) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt compressed page body", e);
        }
    }
}

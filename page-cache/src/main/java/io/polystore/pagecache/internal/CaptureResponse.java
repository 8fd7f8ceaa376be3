package io.polystore.pagecache.internal;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * Captures what the handler renders (status, headers, cookies, body) without committing anything,
 * so the cache can decide to store it, replace it with a stale page, or pass it on. A body that
 * outgrows the limit switches to streaming: what was captured goes to the real response (through
 * {@code onStream}) and the rest is written straight through. A detached capture (a background
 * refresh) has no client: it discards bodies over the limit.
 */
public final class CaptureResponse extends HttpServletResponseWrapper {
    private final int limit;
    private final boolean detached;
    private final Runnable onStream;
    private final List<String[]> headers = new ArrayList<>();
    private final List<Cookie> cookies = new ArrayList<>();
    private int status = 200;
    private String errorMessage;
    private boolean error;
    private String characterEncoding;
    private byte[] buf = new byte[8192];
    private int count;
    private boolean streaming;
    private boolean overflowed;
    private ServletOutputStream stream;
    private PrintWriter writer;

    /**
     * @param real     the container's response
     * @param limit    the largest body kept, in bytes
     * @param detached whether no client waits for this response
     * @param onStream called once when the body outgrows the limit and the response must stream
     *                 (it copies status and headers to {@code real})
     */
    public CaptureResponse(HttpServletResponse real, int limit, boolean detached, Runnable onStream) {
        super(real);
        this.limit = limit;
        this.detached = detached;
        this.onStream = onStream;
    }

    // ---- what was captured ---------------------------------------------------------------------

    /** @return whether the body outgrew the limit (it was streamed or discarded, not captured) */
    public boolean overflowed() {
        return overflowed;
    }

    /** @return whether the handler called sendError */
    public boolean isError() {
        return error;
    }

    public String errorMessage() {
        return errorMessage;
    }

    /** @return the captured body (flushes the writer) */
    public byte[] body() {
        if (writer != null) {
            writer.flush();
        }
        return Arrays.copyOf(buf, count);
    }

    /** @return alternating names and values, as set */
    public List<String[]> headerList() {
        return headers;
    }

    /** @return whether the handler set a cookie (by addCookie or a Set-Cookie header) */
    public boolean setsCookie() {
        return !cookies.isEmpty() || getHeader("Set-Cookie") != null;
    }

    public List<Cookie> cookies() {
        return cookies;
    }

    // ---- status --------------------------------------------------------------------------------

    @Override
    public void setStatus(int sc) {
        if (streaming) {
            super.setStatus(sc);
        }
        status = sc;
    }

    @Override
    public int getStatus() {
        return status;
    }

    @Override
    public void sendError(int sc, String msg) {
        if (sc >= 100 && sc < 200) {
            interim(sc);
            return;
        }
        status = sc;
        error = true;
        errorMessage = msg;
        count = 0;
    }

    @Override
    public void sendError(int sc) {
        sendError(sc, null);
    }

    /**
     * An interim response (a handler's {@code sendError(103)}, as Jetty offers for Early Hints):
     * passed on to the client at once with the header fields set so far, never stored; the final
     * response is captured as before (RFC 9110 §15.2, RFC 9111 §3).
     */
    private void interim(int sc) {
        HttpServletResponse real = (HttpServletResponse) getResponse();
        if (streaming || real.isCommitted()) {
            return;
        }
        List<String> names = new ArrayList<>();
        for (String[] h : headers) {
            real.addHeader(h[0], h[1]);
            names.add(h[0]);
        }
        try {
            real.sendError(sc);
        } catch (IOException e) {
            // the client went away; the final response will find out
        } finally {
            for (String n : names) {
                real.setHeader(n, null);
            }
        }
    }

    @Override
    public void sendRedirect(String location) {
        status = 302;
        setHeader("Location", location);
        count = 0;
    }

    // ---- headers -------------------------------------------------------------------------------

    @Override
    public void setHeader(String name, String value) {
        if (streaming) {
            super.setHeader(name, value);
        }
        removeHeader(name);
        if (value != null) {
            headers.add(new String[] {name, value});
        }
        if (name.equalsIgnoreCase("Content-Type")) {
            characterEncoding = charsetOf(value);
        }
    }

    @Override
    public void addHeader(String name, String value) {
        if (streaming) {
            super.addHeader(name, value);
        }
        if (value != null) {
            headers.add(new String[] {name, value});
        }
    }

    private void removeHeader(String name) {
        headers.removeIf(h -> h[0].equalsIgnoreCase(name));
    }

    @Override
    public void setIntHeader(String name, int value) {
        setHeader(name, Integer.toString(value));
    }

    @Override
    public void addIntHeader(String name, int value) {
        addHeader(name, Integer.toString(value));
    }

    /** IMF-fixdate (RFC 9110 §5.6.7): a two-digit day, which RFC_1123_DATE_TIME does not write before the 10th */
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter
            .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.US).withZone(ZoneOffset.UTC);

    /** @return an IMF-fixdate */
    public static String httpDate(long epochMillis) {
        return HTTP_DATE.format(Instant.ofEpochMilli(epochMillis / 1000 * 1000));
    }

    @Override
    public void setDateHeader(String name, long date) {
        setHeader(name, httpDate(date));
    }

    @Override
    public void addDateHeader(String name, long date) {
        addHeader(name, httpDate(date));
    }

    @Override
    public boolean containsHeader(String name) {
        return getHeader(name) != null;
    }

    @Override
    public String getHeader(String name) {
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                return h[1];
            }
        }
        return null;
    }

    @Override
    public Collection<String> getHeaders(String name) {
        List<String> out = new ArrayList<>();
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                out.add(h[1]);
            }
        }
        return out;
    }

    @Override
    public Collection<String> getHeaderNames() {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String[] h : headers) {
            out.add(h[0]);
        }
        return out;
    }

    @Override
    public void addCookie(Cookie cookie) {
        if (streaming) {
            super.addCookie(cookie);
        }
        cookies.add(cookie);
    }

    @Override
    public void setContentType(String type) {
        if (type == null) {
            removeHeader("Content-Type");
            return;
        }
        String charset = charsetOf(type);
        if (charset == null && characterEncoding != null && type.toLowerCase(Locale.ROOT).startsWith("text/")) {
            type = type + ";charset=" + characterEncoding;
        }
        setHeader("Content-Type", type);
        if (charset == null && characterEncoding != null) {
            return;
        }
        characterEncoding = charset;
    }

    @Override
    public String getContentType() {
        return getHeader("Content-Type");
    }

    @Override
    public void setCharacterEncoding(String charset) {
        if (writer != null || charset == null) {
            return;
        }
        characterEncoding = charset;
        String type = getHeader("Content-Type");
        if (type != null) {
            int semi = type.indexOf(';');
            String base = semi < 0 ? type : type.substring(0, semi);
            removeHeader("Content-Type");
            headers.add(new String[] {"Content-Type", base + ";charset=" + charset});
        }
    }

    @Override
    public String getCharacterEncoding() {
        return characterEncoding != null ? characterEncoding : StandardCharsets.ISO_8859_1.name();
    }

    private static String charsetOf(String contentType) {
        if (contentType == null) {
            return null;
        }
        int i = contentType.toLowerCase(Locale.ROOT).indexOf("charset=");
        if (i < 0) {
            return null;
        }
        String cs = contentType.substring(i + 8).trim();
        int end = cs.indexOf(';');
        cs = end < 0 ? cs : cs.substring(0, end);
        return cs.replace("\"", "").trim();
    }

    @Override
    public void setContentLength(int len) {
        // recomputed when the body is sent
    }

    @Override
    public void setContentLengthLong(long len) {
        // recomputed when the body is sent
    }

    @Override
    public void setLocale(Locale loc) {
        if (loc != null && getHeader("Content-Language") == null) {
            setHeader("Content-Language", loc.toLanguageTag());
        }
    }

    // ---- body ----------------------------------------------------------------------------------

    private void write(byte[] b, int off, int len) throws IOException {
        if (streaming) {
            super.getOutputStream().write(b, off, len);
            return;
        }
        if (overflowed) {
            return;
        }
        if (count + len > limit) {
            overflowed = true;
            if (detached) {
                count = 0;
                return;
            }
            streaming = true;
            onStream.run();
            ServletOutputStream out = super.getOutputStream();
            out.write(buf, 0, count);
            out.write(b, off, len);
            count = 0;
            return;
        }
        if (count + len > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + len));
        }
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    @Override
    public ServletOutputStream getOutputStream() {
        if (stream == null) {
            stream = new ServletOutputStream() {
                private final byte[] one = new byte[1];

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    try {
                        listener.onWritePossible();
                    } catch (IOException e) {
                        listener.onError(e);
                    }
                }

                @Override
                public void write(int b) throws IOException {
                    one[0] = (byte) b;
                    CaptureResponse.this.write(one, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    CaptureResponse.this.write(b, off, len);
                }

                @Override
                public void flush() throws IOException {
                    if (streaming) {
                        CaptureResponse.super.getOutputStream().flush();
                    }
                }
            };
        }
        return stream;
    }

    @Override
    public PrintWriter getWriter() {
        if (writer == null) {
            Charset cs = Charset.forName(getCharacterEncoding());
            if (characterEncoding == null) {
                characterEncoding = cs.name();
            }
            writer = new PrintWriter(new OutputStreamWriter(getOutputStream(), cs), false);
        }
        return writer;
    }

    @Override
    public void flushBuffer() throws IOException {
        // a captured response is not committed by a flush; a streaming one is
        if (writer != null) {
            writer.flush();
        }
        if (streaming) {
            super.flushBuffer();
        }
    }

    @Override
    public boolean isCommitted() {
        return streaming && super.isCommitted();
    }

    @Override
    public void reset() {
        if (streaming) {
            super.reset();
            return;
        }
        headers.clear();
        cookies.clear();
        status = 200;
        error = false;
        count = 0;
        characterEncoding = null;
    }

    @Override
    public void resetBuffer() {
        if (streaming) {
            super.resetBuffer();
            return;
        }
        count = 0;
    }

    @Override
    public void setBufferSize(int size) {
        // the capture buffer grows as needed
    }

    /** @return whether the response is being streamed to the client (not captured) */
    public boolean streaming() {
        return streaming;
    }
}

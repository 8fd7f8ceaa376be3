package io.polystore.bench.pages;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A minimal HTTP/1.1 client on one keep-alive connection, for one load thread: it sends GETs,
 * reads the status and the header the workload counts, and discards bodies (Content-Length or
 * chunked). Much cheaper per request than a general client, so the load generator measures the
 * server rather than itself.
 */
final class KeepAliveClient implements AutoCloseable {
    /** The answer: status and the value of the header asked for (or null). */
    record Answer(int status, String header) {
    }

    private final String host;
    private final int port;
    private final int timeoutMillis;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final byte[] skip = new byte[16384];

    KeepAliveClient(String host, int port, int timeoutMillis) {
        this.host = host;
        this.port = port;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * @param uri    the URL (its host and port must be this client's)
     * @param header the response header to return, lower case
     */
    Answer get(URI uri, String header) throws IOException {
        if (socket == null) {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            in = new BufferedInputStream(socket.getInputStream(), 32768);
            out = socket.getOutputStream();
        }
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        try {
            out.write(("GET " + target + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String status = line();
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            String value = null;
            for (String h = line(); !h.isEmpty(); h = line()) {
                int colon = h.indexOf(':');
                String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String v = h.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Long.parseLong(v);
                    case "transfer-encoding" -> chunked = v.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> close = v.equalsIgnoreCase("close");
                    default -> {
                    }
                }
                if (name.equals(header)) {
                    value = v;
                }
            }
            if (chunked) {
                for (long size = Long.parseLong(line().split(";")[0].trim(), 16); size > 0;
                        size = Long.parseLong(line().split(";")[0].trim(), 16)) {
                    discard(size);
                    line();
                }
                while (!line().isEmpty()) {
                    // trailers
                }
            } else if (length > 0) {
                discard(length);
            } else if (length < 0 && code != 204 && code != 304) {
                close = true;
            }
            if (close) {
                close();
            }
            return new Answer(code, value);
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof IOException io ? io : new IOException("bad response: " + e, e);
        }
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder(64);
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new EOFException("connection closed");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    private void discard(long n) throws IOException {
        while (n > 0) {
            int r = in.read(skip, 0, (int) Math.min(skip.length, n));
            if (r < 0) {
                throw new EOFException("connection closed in a body");
            }
            n -= r;
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
            socket = null;
        }
    }
}

package io.polystore.pagecache;

import io.polystore.pagecache.internal.Page;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletApiResponse;

import java.io.IOException;

/**
 * The filter's memory hits on Jetty 12's ee10 servlets: the page's {@link PreparedAnswer} fields go
 * straight into Jetty's response fields, encoded once per page, instead of one servlet
 * {@code addHeader} or {@code setHeader} call per field, each parsed and encoded on every answer.
 * The answer is the same, field for field. Touched only when {@link #AVAILABLE}, so the filter runs
 * on other containers without Jetty's classes.
 */
final class JettyServletAnswers {
    /** Whether Jetty's ee10 servlet classes are here. */
    static final boolean AVAILABLE = present("org.eclipse.jetty.ee10.servlet.ServletApiResponse")
            && present("org.eclipse.jetty.http.PreEncodedHttpField");

    /** Answers that took this path, in this class loader (the tests read it). */
    static final java.util.concurrent.atomic.LongAdder ANSWERED = new java.util.concurrent.atomic.LongAdder();

    private JettyServletAnswers() {
    }

    private static boolean present(String name) {
        try {
            Class.forName(name, false, JettyServletAnswers.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * Answers with a stored page from memory when the response is Jetty's own (not wrapped by another
     * filter). The caller has checked that the request is neither conditional nor for a range.
     *
     * @return body bytes sent, or -1 when the response is not Jetty's and the caller answers
     */
    static long serve(Page page, boolean gz, HttpServletRequest req, HttpServletResponse res, Responses responses,
            boolean statusHeaders, long now) throws IOException {
        if (!(res instanceof ServletApiResponse jetty)) {
            return -1;
        }
        PreparedAnswer answer = PreparedAnswer.of(page, gz, responses, now);
        res.setStatus(page.status());
        answer.head(jetty.getResponse().getHeaders(), page, now, statusHeaders);
        byte[] body = answer.body();
        res.setContentLength(body.length); // through the servlet API, which counts what is written against it
        ANSWERED.increment();
        if (req.getMethod().equals("HEAD")) {
            return 0;
        }
        res.getOutputStream().write(body);
        return body.length;
    }
}

package io.polystore.demo.web;

import io.polystore.demo.Polynotes;
import io.polystore.demo.model.User;
import io.polystore.demo.model.WebSession;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.time.Duration;
import java.util.Optional;

/**
 * Sign-in sessions and CSRF tokens.
 * <ul>
 * <li>The {@value #COOKIE} cookie holds a random token; the key-value store keeps the session
 * under the token's SHA-256, so a copy of the store holds no usable token. The cookie is
 * {@code HttpOnly}, {@code SameSite=Lax}, and {@code Secure} when the request came over TLS.
 * The page cache lets every request carrying it bypass the cache.</li>
 * <li>Forms of a signed-in user carry the session's CSRF token. The sign-in and sign-up forms,
 * used before there is a session, carry the value of a {@value #CSRF_COOKIE} cookie
 * (double submit), which also blocks login CSRF.</li>
 * </ul>
 */
public final class Sessions {
    /** The session cookie; the page cache's default {@code session-cookies} include it. */
    public static final String COOKIE = "SESSION";
    /** The pre-session CSRF cookie. */
    public static final String CSRF_COOKIE = "csrf";
    /** How long a session lasts. */
    public static final Duration TTL = Duration.ofDays(7);

    private final Polynotes app;

    /**
     * @param app the app
     */
    public Sessions(Polynotes app) {
        this.app = app;
    }

    /** Who is signed in, with the session's CSRF token. */
    public record Visitor(User user, WebSession session) {
    }

    /**
     * @param request a request
     * @return the signed-in visitor, if the session cookie names a live session of an existing user
     */
    public Optional<Visitor> visitor(HttpServletRequest request) {
        Object cached = request.getAttribute(Visitor.class.getName());
        if (cached != null) {
            return ((Optional<?>) cached).map(Visitor.class::cast);
        }
        Optional<Visitor> v = cookie(request, COOKIE)
                .flatMap(token -> app.sessions().findById(Tokens.digest(token)))
                .flatMap(s -> app.users().findById(s.userId()).map(u -> new Visitor(u, s)));
        request.setAttribute(Visitor.class.getName(), v);
        return v;
    }

    /**
     * Starts a session (a new token: a session id is never reused across sign-ins).
     *
     * @param user     who signed in
     * @param request  the request
     * @param response the response that sets the cookie
     */
    public void signIn(User user, HttpServletRequest request, HttpServletResponse response) {
        signOut(request, response);
        String token = Tokens.random();
        app.startSession(user.id(), Tokens.digest(token), Tokens.random(), TTL);
        response.addCookie(cookie(COOKIE, token, (int) TTL.toSeconds(), request.isSecure()));
    }

    /**
     * Ends the request's session, if any, and clears the cookie.
     *
     * @param request  the request
     * @param response the response
     */
    public void signOut(HttpServletRequest request, HttpServletResponse response) {
        Optional<String> token = cookie(request, COOKIE);
        if (token.isPresent()) {
            app.sessions().deleteById(Tokens.digest(token.get()));
            response.addCookie(cookie(COOKIE, "", 0, request.isSecure()));
        }
        request.removeAttribute(Visitor.class.getName());
    }

    /**
     * The token for a form shown before sign-in: the {@value #CSRF_COOKIE} cookie's value, set
     * when missing.
     *
     * @param request  the request
     * @param response the response
     * @return the token to put in the form
     */
    public String anonymousCsrf(HttpServletRequest request, HttpServletResponse response) {
        Optional<String> existing = cookie(request, CSRF_COOKIE).filter(t -> t.length() >= 32);
        if (existing.isPresent()) {
            return existing.get();
        }
        String token = Tokens.random();
        response.addCookie(cookie(CSRF_COOKIE, token, -1, request.isSecure()));
        return token;
    }

    /**
     * @param request a form post
     * @return whether its {@code csrf} field matches the session's token, or before sign-in the
     *         {@value #CSRF_COOKIE} cookie
     */
    public boolean csrfValid(HttpServletRequest request) {
        String sent = request.getParameter("csrf");
        Optional<Visitor> v = visitor(request);
        if (v.isPresent()) {
            return Tokens.same(sent, v.get().session().csrf());
        }
        return Tokens.same(sent, cookie(request, CSRF_COOKIE).orElse(null));
    }

    static Optional<String> cookie(HttpServletRequest request, String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie c : cookies) {
                if (c.getName().equals(name) && !c.getValue().isEmpty()) {
                    return Optional.of(c.getValue());
                }
            }
        }
        return Optional.empty();
    }

    static Cookie cookie(String name, String value, int maxAge, boolean secure) {
        Cookie c = new Cookie(name, value);
        c.setPath("/");
        c.setHttpOnly(true);
        c.setSecure(secure);
        c.setMaxAge(maxAge);
        c.setAttribute("SameSite", "Lax");
        return c;
    }
}

package io.polystore.demo.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.polystore.KeyValueOperations;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Sign-in with an OpenID Connect provider: the authorization code flow with PKCE, a {@code state}
 * bound to the browser by a cookie and kept in the key-value store (so any node can finish the
 * flow), and a {@code nonce}. The ID token's signature is checked against the provider's JWKS
 * (RS256 or ES256), and its issuer, audience, expiry and nonce are checked too.
 */
public final class OidcLogin {
    private static final String STATE_COOKIE = "oidc_state";
    private static final Duration FLOW_TTL = Duration.ofMinutes(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI issuer;
    private final String clientId;
    private final String clientSecret;
    private final String label;
    private final String baseUrl;
    private final KeyValueOperations flows;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile Provider provider;

    /**
     * @param issuer       the provider's issuer URL (its discovery document is below it)
     * @param clientId     this app's client id there
     * @param clientSecret its secret (never logged)
     * @param label        the provider's name on the sign-in button
     * @param baseUrl      this app's public URL ({@code https://notes.example.com}), or null to take it from each request
     * @param flows        where flows in progress are kept
     */
    public OidcLogin(String issuer, String clientId, String clientSecret, String label, String baseUrl, KeyValueOperations flows) {
        this.issuer = URI.create(issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer);
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.label = label;
        this.baseUrl = baseUrl == null || baseUrl.isBlank() ? null : baseUrl.replaceAll("/+$", "");
        this.flows = flows;
    }

    /** @return the provider's name for buttons */
    public String label() {
        return label;
    }

    /** An identity the provider vouched for. */
    public record Identity(String subject, String name, String preferredHandle, String email, boolean emailVerified) {
    }

    /** A failed sign-in, with a message fit to show. */
    public static final class OidcException extends Exception {
        OidcException(String message) {
            super(message);
        }

        OidcException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private record Provider(URI authorization, URI token, JWSVerificationKeySelector<SecurityContext> keys) {
    }

    private Provider provider() throws OidcException {
        Provider p = provider;
        if (p != null) {
            return p;
        }
        try {
            JsonNode d = getJson(URI.create(issuer + "/.well-known/openid-configuration"));
            if (!issuer.toString().equals(d.path("issuer").asText().replaceAll("/$", ""))) {
                throw new OidcException("the provider's discovery document names another issuer");
            }
            JWKSource<SecurityContext> keys = JWKSourceBuilder.create(URI.create(d.path("jwks_uri").asText()).toURL())
                    .retrying(true).build();
            p = new Provider(URI.create(d.path("authorization_endpoint").asText()), URI.create(d.path("token_endpoint").asText()),
                    new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), keys));
            provider = p;
            return p;
        } catch (IOException | IllegalArgumentException e) {
            throw new OidcException("the provider did not answer its discovery request", e);
        }
    }

    /**
     * Sends the browser to the provider.
     *
     * @param req the request
     * @param res the response
     * @throws IOException when writing fails
     */
    public void start(HttpServletRequest req, HttpServletResponse res) throws IOException {
        Provider p;
        try {
            p = provider();
        } catch (OidcException e) {
            res.sendError(503, "Sign-in with " + label + " is unavailable: " + e.getMessage());
            return;
        }
        String state = Tokens.random();
        String nonce = Tokens.random();
        String verifier = Tokens.random() + Tokens.random();
        flows.set("oidc:" + Tokens.digest(state), Map.of("nonce", nonce, "verifier", verifier), FLOW_TTL);
        res.addCookie(Sessions.cookie(STATE_COOKIE, state, (int) FLOW_TTL.toSeconds(), req.isSecure()));
        Map<String, String> q = new LinkedHashMap<>();
        q.put("response_type", "code");
        q.put("client_id", clientId);
        q.put("redirect_uri", redirectUri(req));
        q.put("scope", "openid profile email");
        q.put("state", state);
        q.put("nonce", nonce);
        q.put("code_challenge", Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(verifier)));
        q.put("code_challenge_method", "S256");
        String sep = p.authorization().getQuery() == null ? "?" : "&";
        res.setStatus(303);
        res.setHeader("Cache-Control", "no-store");
        res.setHeader("Location", p.authorization() + sep + form(q));
    }

    /**
     * Finishes the flow the provider sent the browser back from.
     *
     * @param req the callback request
     * @param res the response (the state cookie is cleared)
     * @return the identity
     * @throws OidcException when the provider refused, the flow is unknown or stale, or the token does not verify
     */
    public Identity finish(HttpServletRequest req, HttpServletResponse res) throws OidcException {
        String state = req.getParameter("state");
        res.addCookie(Sessions.cookie(STATE_COOKIE, "", 0, req.isSecure()));
        if (req.getParameter("error") != null) {
            throw new OidcException("the provider answered '" + req.getParameter("error") + "'");
        }
        if (state == null || !Tokens.same(state, Sessions.cookie(req, STATE_COOKIE).orElse(null))) {
            throw new OidcException("the answer does not belong to a sign-in this browser started");
        }
        String key = "oidc:" + Tokens.digest(state);
        @SuppressWarnings("unchecked")
        Map<String, String> flow = flows.get(key, Map.class).orElse(null);
        flows.delete(key);
        if (flow == null) {
            throw new OidcException("the sign-in took too long or was already used; start again");
        }
        String code = req.getParameter("code");
        if (code == null || code.isEmpty()) {
            throw new OidcException("the provider sent no code");
        }
        Provider p = provider();
        Map<String, String> body = new LinkedHashMap<>();
        body.put("grant_type", "authorization_code");
        body.put("code", code);
        body.put("redirect_uri", redirectUri(req));
        body.put("code_verifier", flow.get("verifier"));
        String basic = Base64.getEncoder().encodeToString((enc(clientId) + ":" + enc(clientSecret)).getBytes(StandardCharsets.UTF_8));
        JsonNode token;
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(p.token()).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", "Basic " + basic)
                    .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(form(body))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new OidcException("the provider refused the code (HTTP " + r.statusCode() + ")");
            }
            token = JSON.readTree(r.body());
        } catch (IOException e) {
            throw new OidcException("the provider's token endpoint did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OidcException("interrupted");
        }
        String idToken = token.path("id_token").asText(null);
        if (idToken == null) {
            throw new OidcException("the provider sent no ID token");
        }
        JWTClaimsSet claims;
        try {
            DefaultJWTProcessor<SecurityContext> proc = new DefaultJWTProcessor<>();
            proc.setJWSKeySelector(p.keys());
            proc.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(clientId,
                    new JWTClaimsSet.Builder().issuer(issuer.toString()).claim("nonce", flow.get("nonce")).build(),
                    Set.of("sub", "iat", "exp")));
            claims = proc.process(idToken, null);
        } catch (Exception e) {
            throw new OidcException("the ID token did not verify (" + e.getMessage() + ")", e);
        }
        String sub = claims.getSubject();
        String name = claim(claims, "name").orElse(null);
        String email = claim(claims, "email").orElse(null);
        boolean verified = Boolean.TRUE.equals(claims.getClaim("email_verified"));
        String handle = claim(claims, "preferred_username")
                .or(() -> Optional.ofNullable(email).map(m -> m.substring(0, Math.max(0, m.indexOf('@')))))
                .orElse("user");
        return new Identity(issuer + " " + sub, name, handle, email, verified);
    }

    private static Optional<String> claim(JWTClaimsSet claims, String name) {
        Object v = claims.getClaim(name);
        return v instanceof String s && !s.isBlank() ? Optional.of(s) : Optional.empty();
    }

    private String redirectUri(HttpServletRequest req) {
        String base = baseUrl;
        if (base == null) {
            StringBuffer url = req.getRequestURL();
            base = url.substring(0, url.indexOf("/", url.indexOf("//") + 2));
        }
        return base + "/login/oidc/callback";
    }

    private JsonNode getJson(URI uri) throws IOException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException("HTTP " + r.statusCode() + " from " + uri);
            }
            return JSON.readTree(r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String form(Map<String, String> q) {
        return q.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

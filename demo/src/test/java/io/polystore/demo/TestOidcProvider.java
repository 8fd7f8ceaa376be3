package io.polystore.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small OpenID Connect provider for tests, built on Nimbus: discovery, JWKS, an authorization
 * endpoint that signs in {@link #nextUser} at once, and a token endpoint that checks the client's
 * secret, the code (once), the redirect URI and the PKCE verifier, and issues an RS256 ID token.
 * {@link #signWithOtherKey} makes it sign with a key its JWKS does not publish.
 */
final class TestOidcProvider implements AutoCloseable {
    static final String CLIENT_ID = "polynotes";
    static final String CLIENT_SECRET = "s3cret-for-tests";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Who signs in next: sub, name, email, email_verified, preferred_username. */
    volatile Map<String, Object> nextUser = Map.of("sub", "u1");
    volatile boolean signWithOtherKey;
    volatile String nonceOverride;

    private final Server server;
    private final RSAKey key;
    private final RSAKey otherKey;
    private final Map<String, Map<String, String>> codes = new ConcurrentHashMap<>();
    private final String issuer;

    TestOidcProvider() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        otherKey = new RSAKeyGenerator(2048).keyID("k1").generate();
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(new Endpoints()), "/*");
        server.setHandler(context);
        server.start();
        issuer = "http://127.0.0.1:" + connector.getLocalPort() + "/realm";
    }

    String issuer() {
        return issuer;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private final class Endpoints extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
            switch (req.getRequestURI()) {
                case "/realm/.well-known/openid-configuration" -> json(res, 200, Map.of("issuer", issuer,
                        "authorization_endpoint", issuer + "/authorize", "token_endpoint", issuer + "/token",
                        "jwks_uri", issuer + "/jwks", "response_types_supported", new String[]{"code"},
                        "id_token_signing_alg_values_supported", new String[]{"RS256"}));
                case "/realm/jwks" -> {
                    res.setContentType("application/json");
                    res.getWriter().write(new JWKSet(key.toPublicJWK()).toString());
                }
                case "/realm/authorize" -> {
                    if (!CLIENT_ID.equals(req.getParameter("client_id")) || !"code".equals(req.getParameter("response_type"))
                            || !"S256".equals(req.getParameter("code_challenge_method"))) {
                        res.sendError(400, "bad authorization request");
                        return;
                    }
                    String code = UUID.randomUUID().toString();
                    Map<String, String> grant = new LinkedHashMap<>();
                    grant.put("nonce", req.getParameter("nonce"));
                    grant.put("challenge", req.getParameter("code_challenge"));
                    grant.put("redirect_uri", req.getParameter("redirect_uri"));
                    grant.put("user", JSON.writeValueAsString(nextUser));
                    codes.put(code, grant);
                    res.setStatus(302);
                    res.setHeader("Location", req.getParameter("redirect_uri") + "?code=" + code + "&state="
                            + URLEncoder.encode(req.getParameter("state"), StandardCharsets.UTF_8));
                }
                default -> res.sendError(404);
            }
        }

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException {
            if (!req.getRequestURI().equals("/realm/token")) {
                res.sendError(404);
                return;
            }
            String expected = "Basic " + Base64.getEncoder().encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(req.getHeader("Authorization"))) {
                json(res, 401, Map.of("error", "invalid_client"));
                return;
            }
            Map<String, String> grant = codes.remove(String.valueOf(req.getParameter("code")));
            if (grant == null || !"authorization_code".equals(req.getParameter("grant_type"))
                    || !grant.get("redirect_uri").equals(req.getParameter("redirect_uri"))
                    || !grant.get("challenge").equals(s256(String.valueOf(req.getParameter("code_verifier"))))) {
                json(res, 400, Map.of("error", "invalid_grant"));
                return;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> user = JSON.readValue(grant.get("user"), Map.class);
            JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer).audience(CLIENT_ID)
                    .subject((String) user.get("sub")).issueTime(new Date())
                    .expirationTime(new Date(System.currentTimeMillis() + 300_000))
                    .claim("nonce", nonceOverride != null ? nonceOverride : grant.get("nonce"));
            user.forEach((k, v) -> {
                if (!k.equals("sub")) {
                    claims.claim(k, v);
                }
            });
            try {
                SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), claims.build());
                jwt.sign(new RSASSASigner(signWithOtherKey ? otherKey : key));
                json(res, 200, Map.of("access_token", "at-" + UUID.randomUUID(), "token_type", "Bearer", "id_token", jwt.serialize()));
            } catch (JOSEException e) {
                throw new IOException(e);
            }
        }
    }

    private static String s256(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void json(HttpServletResponse res, int status, Object body) throws IOException {
        res.setStatus(status);
        res.setContentType("application/json");
        JSON.writeValue(res.getOutputStream(), body);
    }
}

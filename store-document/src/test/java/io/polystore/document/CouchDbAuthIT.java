package io.polystore.document;

import io.polystore.ConfigurationException;
import io.polystore.Polystore;
import io.polystore.Repository;
import io.polystore.StoreUnavailableException;
import io.polystore.annotation.Id;
import io.polystore.testkit.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * CouchDB authentication ({@code auth: cookie} and basic) against the suite's CouchDB-API server,
 * through a relay that records every request's method, path and credentials headers on their way
 * to the server. pouchdb-server runs as an "admin party" (it crashes once an admin is configured),
 * so it accepts any request: the relay shows what the store sent, and can answer the next request
 * with the 401 CouchDB gives for an expired session, to exercise the login that follows.
 */
class CouchDbAuthIT {
    public record Memo(@Id String id, String text) {
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private String server;
    private RecordingRelay relay;
    private final AtomicInteger refuseNextWithCookie = new AtomicInteger();
    private String user;
    private String password;

    @BeforeEach
    void startRelayAndUser() throws Exception {
        server = TestServers.couchDbUrl().replaceFirst("^couchdb", "http");
        user = "u" + UUID.randomUUID().toString().substring(0, 8);
        password = "p$ss w{rd}'\"" + UUID.randomUUID();
        String userDoc = "{\"name\":\"" + user + "\",\"password\":" + quote(password) + ",\"roles\":[],\"type\":\"user\"}";
        HttpResponse<String> made = HTTP.send(HttpRequest.newBuilder(URI.create(server + "/_users/org.couchdb.user:" + user))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(userDoc)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(made.statusCode()).as(made.body()).isIn(200, 201, 202);
        // pouchdb-server 4.2.0 crashes when a request with credentials creates a database: made here,
        // without them, and the stores run with schema: none
        HttpResponse<String> db = HTTP.send(HttpRequest.newBuilder(URI.create(server + "/auth_" + user + "_memo"))
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(db.statusCode()).as(db.body()).isIn(201, 202);
        relay = new RecordingRelay(server, seen -> seen.cookie() != null
                && refuseNextWithCookie.getAndUpdate(n -> Math.max(0, n - 1)) > 0);
    }

    @AfterEach
    void stopRelay() {
        if (relay != null) {
            relay.close();
        }
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private Polystore open(Map<String, String> options) {
        Map<String, String> all = new java.util.HashMap<>(options);
        all.put("schema", "none");
        all.put("sweep", "off");
        return Polystore.builder().store("couch", "couchdb://127.0.0.1:" + relay.port() + "/auth_" + user + "_",
                all).build();
    }

    @Test
    void cookieAuthLogsInOnceAndSendsTheSessionCookieWithEveryRequest() {
        try (Polystore p = open(Map.of("user", user, "password", password, "auth", "cookie"))) {
            Repository<Memo, String> memos = p.repository(Memo.class);
            for (int i = 0; i < 5; i++) {
                memos.save(new Memo("m" + i, "text " + i));
            }
            assertThat(memos.findById("m3")).contains(new Memo("m3", "text 3"));
            assertThat(memos.count()).isEqualTo(5);
        }
        List<RecordingRelay.Seen> logins = relay.seen().stream().filter(s -> s.path().equals("/_session")).toList();
        assertThat(logins).hasSize(1);
        assertThat(logins.get(0).method()).isEqualTo("POST");
        assertThat(logins.get(0).body()).contains("\"" + user + "\"");
        List<RecordingRelay.Seen> rest = relay.seen().stream().filter(s -> !s.path().equals("/_session")).toList();
        assertThat(rest).hasSizeGreaterThan(5);
        assertThat(rest).allSatisfy(s -> {
            assertThat(s.cookie()).as(s.method() + " " + s.path()).startsWith("AuthSession=");
            assertThat(s.authorization()).as(s.method() + " " + s.path()).isNull();
        });
        // the session is the user's (the server says who the cookie belongs to)
        HttpResponse<String> who = get("/_session", rest.get(0).cookie());
        assertThat(who.body()).contains("\"name\":\"" + user + "\"");
    }

    @Test
    void anExpiredSessionIsRenewedByLoggingInAgainWithoutFailingTheCall() {
        try (Polystore p = open(Map.of("user", user, "password", password, "auth", "cookie"))) {
            Repository<Memo, String> memos = p.repository(Memo.class);
            memos.save(new Memo("a", "before"));
            refuseNextWithCookie.set(1);   // the server answers the next request as CouchDB does once a session has ended
            memos.save(new Memo("b", "after"));
            assertThat(memos.findById("b")).contains(new Memo("b", "after"));
            assertThat(relay.seen().stream().filter(s -> s.path().equals("/_session")).count()).isEqualTo(2);
            assertThat(get("/_session", relay.seen().get(relay.seen().size() - 1).cookie()).body()).contains("\"name\":\"" + user + "\"");
            // refused again right after a new login: that is the credentials, not an expired session
            refuseNextWithCookie.set(2);
            assertThatThrownBy(() -> memos.findById("a")).isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("refused the credentials").hasMessageContaining("auth: cookie")
                    .hasMessageNotContaining(password);
        }
    }

    @Test
    void aWrongPasswordFailsAtStartupNamingTheUserAndTheOptionsNeverThePassword() {
        String wrong = "not-" + password;
        assertThatThrownBy(() -> open(Map.of("user", user, "password", wrong, "auth", "cookie")).repository(Memo.class).count())
                .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("refused the login of user '" + user + "'")
                .hasMessageContaining("check the options user and password").hasMessageNotContaining(wrong);
        assertThatThrownBy(() -> open(Map.of("auth", "cookie")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("auth").hasMessageContaining("user and password");
        assertThatThrownBy(() -> open(Map.of("user", user, "password", password, "auth", "kerberos")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("auth").hasMessageContaining("kerberos");
    }

    @Test
    void basicAuthSendsTheCredentialsWithEveryRequestAndNeverLogsIn() {
        try (Polystore p = open(Map.of("user", user, "password", password))) {
            Repository<Memo, String> memos = p.repository(Memo.class);
            memos.save(new Memo("x", "basic"));
            assertThat(memos.findById("x")).contains(new Memo("x", "basic"));
        }
        assertThat(relay.seen()).noneMatch(s -> s.path().equals("/_session"));
        assertThat(relay.seen()).allSatisfy(s -> {
            assertThat(s.authorization()).startsWith("Basic ");
            assertThat(s.cookie()).isNull();
        });
    }

    private HttpResponse<String> get(String path, String cookie) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(server + path)).header("Cookie", cookie).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}

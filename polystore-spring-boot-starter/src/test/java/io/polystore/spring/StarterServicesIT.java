package io.polystore.spring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.polystore.Repository;
import io.polystore.pagecache.PageCache;
import io.polystore.testkit.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same Spring MVC application on the machine's services ({@code POLYSTORE_POSTGRES_URL},
 * {@code POLYSTORE_MYSQL_URL}, {@code POLYSTORE_REDIS_URL}; skipped with the reason without them,
 * required in CI): widgets in PostgreSQL, tokens in MariaDB, visits in Redis through Polystore's
 * own client, and the page cache's shared tier on Spring Boot's connection factory to that Redis.
 */
@SpringBootTest(classes = StarterApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StarterServicesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Tables and keys of this run only: runs on the same services do not meet. */
    private static final String RUN = "st" + UUID.randomUUID().toString().substring(0, 8);
    static String postgres;
    static String mysql;
    static String redis;

    /** Before the context: a missing service skips (or, when required, fails) the class here. */
    @BeforeAll
    static void services() {
        postgres = TestServers.postgresUrl();
        mysql = TestServers.mysqlUrl();
        redis = TestServers.redisUrl();
    }

    /** The run's tables go (its Redis keys and pages carry the run's prefix; they are left to the test Redis). */
    @AfterAll
    static void dropTables() throws Exception {
        for (String url : new String[] {postgres, mysql}) {
            if (url == null) {
                continue;
            }
            try (Connection c = DriverManager.getConnection(url)) {
                List<String> tables = new ArrayList<>();
                try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), null, RUN + "%", new String[] {"TABLE"})) {
                    while (rs.next()) {
                        tables.add(rs.getString("TABLE_NAME"));
                    }
                }
                for (String t : tables) {
                    try (Statement st = c.createStatement()) {
                        st.execute("DROP TABLE " + t); // a name read from the catalogue, of this run's prefix
                    }
                }
            }
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry p) {
        p.add("polystore.stores.main.uri", () -> postgres);
        p.add("polystore.stores.main.options.schema", () -> "create");
        p.add("polystore.stores.main.options.table-prefix", () -> RUN + "_");
        p.add("polystore.stores.accounts.uri", () -> mysql);
        p.add("polystore.stores.accounts.options.schema", () -> "create");
        p.add("polystore.stores.accounts.options.table-prefix", () -> RUN + "_");
        p.add("polystore.stores.kv.uri", () -> redis);
        p.add("polystore.stores.kv.options.key-prefix", () -> RUN);
        p.add("polystore.entities[io.polystore.spring.Visit]", () -> "kv");
        p.add("polystore.entities[io.polystore.spring.Token]", () -> "accounts");
        p.add("polystore.default-store", () -> "main");
        p.add("polystore.repositories", () -> "io.polystore.spring.Widget");
        p.add("spring.data.redis.url", () -> redis);
        p.add("spring.data.redis.timeout", () -> "2s");
        p.add("polystore.page-cache.enabled", () -> "true");
        p.add("polystore.page-cache.redis", () -> "spring-data-redis:");
        p.add("polystore.page-cache.namespace", () -> RUN + ":pages");
        p.add("polystore.page-cache.routes", () -> "/actuator/** -> never");
        p.add("management.endpoints.web.exposure.include", () -> "health");
        p.add("management.endpoint.health.show-details", () -> "always");
        p.add("management.endpoint.health.show-components", () -> "always");
    }

    @Autowired
    Repository<Widget, String> widgets;
    @Autowired
    Repository<Token, String> tokens;
    @Autowired
    Repository<Visit, Long> visits;
    @Autowired
    PageCache pageCache;
    @Value("${local.server.port}")
    int port;

    private HttpResponse<String> send(String method, String path) throws Exception {
        return LocalHttp.send(port, method, path);
    }

    @Test
    void eachEntityTypeLivesInItsServiceAndPagesAreSharedThroughRedis() throws Exception {
        assertThat(widgets.store().describe()).startsWith("jdbc:postgresql:");
        assertThat(tokens.store().describe()).startsWith("jdbc:mariadb:");
        assertThat(visits.store().describe()).startsWith("redis:");

        String hostile = "it's \"quoted\" '; DROP TABLE x; -- ${env} {} \uD83D\uDE00";
        Token token = tokens.save(new Token(null, hostile));
        assertThat(tokens.findById(token.id())).contains(token);

        String id = send("POST", "/widgets/" + RUN).body();
        assertThat(widgets.findById(id)).map(Widget::name).contains(RUN);
        HttpResponse<String> first = send("GET", "/widgets/" + id);
        HttpResponse<String> second = send("GET", "/widgets/" + id);
        assertThat(first.headers().firstValue("X-Cache")).contains("MISS");
        assertThat(second.headers().firstValue("X-Cache")).contains("HIT-L1");
        assertThat(second.body()).isEqualTo(first.body()).startsWith(RUN + " v1");
        assertThat(visits.count()).as("the second answer never reached the controller").isEqualTo(1);

        // the page went to Redis through Spring's factory; a purge reaches Redis and the next request renders
        assertThat(pageCache.awaitSharedWrites(Duration.ofSeconds(10))).isTrue();
        assertThat(pageCache.purgeUrl("http://127.0.0.1:" + port + "/widgets/" + id).delivered()).isTrue();
        HttpResponse<String> third = send("GET", "/widgets/" + id);
        assertThat(third.headers().firstValue("X-Cache")).contains("MISS");
        assertThat(visits.count()).isEqualTo(2);
    }

    @Test
    void everyStoreIsHealthy() throws Exception {
        HttpResponse<String> health = send("GET", "/actuator/health");
        JsonNode stores = JSON.readTree(health.body()).path("components").path("polystore").path("components");
        assertThat(stores.path("main").path("status").asText()).isEqualTo("UP");
        assertThat(stores.path("accounts").path("status").asText()).isEqualTo("UP");
        assertThat(stores.path("kv").path("status").asText()).isEqualTo("UP");
        assertThat(health.statusCode()).isEqualTo(200);
    }
}

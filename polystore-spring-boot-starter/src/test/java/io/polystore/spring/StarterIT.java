package io.polystore.spring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.polystore.Polystore;
import io.polystore.Repository;
import io.polystore.pagecache.PageCache;
import io.polystore.testkit.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Spring MVC application with the starter, on SQLite and a {@code redis-server} of its own:
 * repositories injected by generic type and routed by properties, the page cache filter registered,
 * a store and the page cache's shared tier on the application's Spring Data Redis connection
 * factory, and the health of each store, turning DOWN when Redis is stopped.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@SpringBootTest(classes = StarterApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StarterIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    static RedisServer redis;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry p) throws Exception {
        redis = RedisServer.start(List.of());
        Path db = Files.createTempDirectory("starter").resolve("app.db");
        p.add("polystore.stores.main.uri", () -> "jdbc:sqlite:" + db);
        p.add("polystore.stores.main.options.schema", () -> "create");
        p.add("polystore.stores.kv.uri", redis::url);
        p.add("polystore.stores.kv.options.key-prefix", () -> "starter:");
        p.add("polystore.entities[io.polystore.spring.Visit]", () -> "kv");
        // the application's own Redis connection factory (Spring Boot's, from spring.data.redis.*) serves a store
        // and the page cache's shared tier
        p.add("spring.data.redis.url", redis::url);
        p.add("spring.data.redis.timeout", () -> "2s");   // Lettuce's default is 60 s: health would wait that long
        p.add("polystore.stores.sessions.uri", () -> "spring-data-redis:");
        p.add("polystore.stores.sessions.options.key-prefix", () -> "sess:");
        p.add("polystore.entities[io.polystore.spring.Token]", () -> "sessions");
        p.add("polystore.page-cache.redis", () -> "spring-data-redis:");
        p.add("polystore.page-cache.namespace", () -> "starter-pages");
        p.add("polystore.default-store", () -> "main");
        p.add("polystore.repositories", () -> "io.polystore.spring.Widget");
        p.add("polystore.page-cache.enabled", () -> "true");
        p.add("polystore.page-cache.routes", () -> "/actuator/** -> never");
        p.add("management.endpoints.web.exposure.include", () -> "health");
        p.add("management.endpoint.health.show-details", () -> "always");
        p.add("management.endpoint.health.show-components", () -> "always");
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @Autowired
    Polystore polystore;
    @Autowired
    Repository<Widget, String> widgets;
    @Autowired
    Repository<Visit, Long> visits;
    @Autowired
    Repository<Token, String> tokens;
    @Autowired
    PageCache pageCache;
    @Autowired
    MeterRegistry meters;
    @Value("${local.server.port}")
    int port;

    private HttpResponse<String> send(String method, String path) throws Exception {
        return LocalHttp.send(port, method, path);
    }

    @Test
    @Order(1)
    void repositoriesAreInjectedByTypeAndRoutedByProperties() throws Exception {
        assertThat(widgets.store().name()).isEqualTo("main");
        assertThat(widgets.store().describe()).startsWith("jdbc:sqlite:");
        assertThat(visits.store().name()).isEqualTo("kv");
        assertThat(visits).isSameAs(polystore.repository(Visit.class));
        String id = send("POST", "/widgets/gizmo").body();
        assertThat(widgets.findById(id)).map(Widget::name).contains("gizmo");

        HttpResponse<String> first = send("GET", "/widgets/" + id);
        HttpResponse<String> second = send("GET", "/widgets/" + id);
        assertThat(first.body()).startsWith("gizmo v1");
        assertThat(second.headers().firstValue("X-Cache")).contains("HIT-L1");   // the filter is in front
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(visits.count()).isEqualTo(1);   // the second answer never reached the controller
        // every repository call is timed, per entity type, store and method
        assertThat(meters.get("polystore.store.operations").tag("entity", "Widget").tag("store", "main")
                .tag("operation", "save").timer().count()).isEqualTo(1);
        assertThat(meters.get("polystore.store.operations").tag("entity", "Visit").tag("store", "kv")
                .tag("operation", "save").timer().count()).isEqualTo(1);
    }

    @Test
    @Order(2)
    void aStoreAndThePageCacheRunOnTheApplicationsRedisConnectionFactory() throws Exception {
        assertThat(tokens.store().name()).isEqualTo("sessions");
        assertThat(tokens.store().describe()).startsWith("spring-data-redis:");
        Token saved = tokens.save(new Token(null, "ada '; DROP TABLE x; {$} \uD83D\uDE00"));
        assertThat(tokens.findById(saved.id())).contains(saved);
        // in the Redis that spring.data.redis.url names (the test's own server, not the one on 6379), under the prefix
        assertThat(count("{sess:*", null)).isPositive();

        assertThat(pageCache.sharedTierConnected()).isTrue();
        String id = widgets.save(new Widget(null, "sprocket", 0)).id();
        assertThat(send("GET", "/widgets/" + id).headers().firstValue("X-Cache")).contains("MISS");
        assertThat(pageCache.awaitSharedWrites(java.time.Duration.ofSeconds(10))).isTrue();
        assertThat(count("starter-pages:p:http://*/widgets/" + id + "?", "-")).isEqualTo(1);
        assertThat(pageCache.purgeAll().delivered()).as("the purge reached Redis").isTrue();
        assertThat(count("starter-pages:p:*", "-")).isZero();
        assertThat(send("GET", "/widgets/" + id).headers().firstValue("X-Cache")).contains("MISS");
    }

    /** @return how many keys of the test's Redis match, counting only hashes with {@code field} when given */
    private static long count(String pattern, String field) throws Exception {
        String reply = redis.command("EVAL", """
                local n = 0
                for _, k in ipairs(redis.call('KEYS', ARGV[1])) do
                  if ARGV[2] == '' or redis.call('HEXISTS', k, ARGV[2]) == 1 then n = n + 1 end
                end
                return n""", "0", pattern, field == null ? "" : field);
        assertThat(reply).startsWith(":");
        return Long.parseLong(reply.substring(1));
    }

    /** Last: it stops Redis. */
    @Test
    @Order(3)
    void healthHasOneComponentPerStoreAndTurnsDownWhenOneStops() throws Exception {
        HttpResponse<String> up = send("GET", "/actuator/health");
        assertThat(up.statusCode()).isEqualTo(200);
        JsonNode stores = JSON.readTree(up.body()).path("components").path("polystore").path("components");
        assertThat(stores.path("main").path("status").asText()).isEqualTo("UP");
        assertThat(stores.path("main").path("details").path("uri").asText()).startsWith("jdbc:sqlite:");
        assertThat(stores.path("kv").path("status").asText()).isEqualTo("UP");
        assertThat(stores.path("sessions").path("status").asText()).isEqualTo("UP");
        redis.kill();
        HttpResponse<String> down = send("GET", "/actuator/health");
        assertThat(down.statusCode()).isEqualTo(503);
        JsonNode after = JSON.readTree(down.body()).path("components").path("polystore").path("components");
        assertThat(after.path("kv").path("status").asText()).isEqualTo("DOWN");
        assertThat(after.path("sessions").path("status").asText()).isEqualTo("DOWN");
        assertThat(after.path("kv").path("details").path("error").asText()).isNotEmpty();
        assertThat(after.path("main").path("status").asText()).isEqualTo("UP");
    }
}

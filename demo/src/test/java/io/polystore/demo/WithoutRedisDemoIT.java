package io.polystore.demo;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded defaults on a machine without {@code redis-server}: one warning, the key-value store
 * in memory, no shared cache tier, and the app still works. (The graph is in memory here too, to
 * keep the test short; it does not take part.)
 */
class WithoutRedisDemoIT {

    @Test
    void withoutRedisTheAppWarnsOnceAndKeepsSessionsInMemory() throws Exception {
        List<LogRecord> warnings = new ArrayList<>();
        Logger logger = Logger.getLogger(Demo.class.getName());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        Demo.Settings s = DemoTesting.settings("polystore.yaml", Map.of("DEMO_REDIS_SERVER", "/nonexistent/redis-server"), null, null, null, 5, "solo");
        s = new Demo.Settings(s.config().replaceAll("\"neo4j-embedded:[^\"]*\"", "\"mem:graph\""), s.source(), s.host(), s.port(),
                s.dataDir(), s.node(), s.seedUsers(), s.seedNotes(), s.variables(), null, null, null, null, null, s.bcryptCost(), false);
        try (Demo demo = Demo.start(s, System.out)) {
            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0).getMessage()).contains("DEMO_REDIS_SERVER=/nonexistent/redis-server").contains("in memory");
            assertThat(demo.redis()).isEmpty();
            assertThat(demo.app().sessions().store().describe()).isEqualTo("mem:kv");
            assertThat(demo.cache().sharedTierConnected()).isFalse();
            Browser b = DemoContract.signUp(demo.url(), DemoContract.handle("solo"));
            assertThat(b.get("/notes/new").status()).isEqualTo(200);
            Browser anon = new Browser(demo.url());
            anon.get("/");
            assertThat(anon.get("/").header("X-Cache")).isEqualTo("HIT-L1");
            assertThat(anon.get("/health").status()).isEqualTo(200);
        } finally {
            logger.removeHandler(capture);
        }
    }
}

package io.polystore.spring;

import io.polystore.Polystore;
import io.polystore.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.core.ResolvableType;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The auto-configuration in small contexts: a YAML file, properties, and the errors that name the key. */
class StarterConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PolystoreAutoConfiguration.class, PolystoreHealthAutoConfiguration.class));

    @TempDir
    Path dir;

    @Test
    void aYamlFileWithSpringPlaceholdersMakesThePolystoreAndItsRepositories() throws Exception {
        Path file = dir.resolve("polystore.yaml");
        Files.writeString(file, """
                stores:
                  main: "${app.store-uri}"
                  other: "mem:other"
                default: main
                entities:
                  io.polystore.spring.Visit: other
                """);
        runner.withPropertyValues("polystore.config=file:" + file, "app.store-uri=mem:main").run(ctx -> {
            assertThat(ctx).hasNotFailed().hasSingleBean(Polystore.class);
            Polystore p = ctx.getBean(Polystore.class);
            assertThat(p.storeNames()).containsExactly("main", "other");
            String[] names = ctx.getBeanNamesForType(ResolvableType.forClassWithGenerics(Repository.class, Visit.class, Long.class));
            assertThat(names).containsExactly("visitRepository");
            assertThat(((Repository<?, ?>) ctx.getBean(names[0])).store().name()).isEqualTo("other");
        });
    }

    @Test
    void withoutConfigurationNothingIsCreated() {
        runner.run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(Polystore.class));
    }

    @Test
    void mistakesNameTheProperty() {
        runner.withPropertyValues("polystore.stores.main.uri=nosuch://x").run(ctx -> assertThat(ctx.getStartupFailure())
                .hasStackTraceContaining("application properties (polystore.*): stores.main.uri").hasStackTraceContaining("nosuch"));
        runner.withPropertyValues("polystore.stores.main.options.schema=create").run(ctx -> assertThat(ctx.getStartupFailure())
                .hasStackTraceContaining("polystore.stores.main.uri is missing"));
        runner.withPropertyValues("polystore.stores.main.uri=mem:", "polystore.entities[com.acme.Nope]=main")
                .run(ctx -> assertThat(ctx.getStartupFailure()).hasStackTraceContaining("com.acme.Nope")
                        .hasStackTraceContaining("polystore"));
        runner.withPropertyValues("polystore.config=file:" + dir.resolve("missing.yaml"))
                .run(ctx -> assertThat(ctx.getStartupFailure()).hasStackTraceContaining("polystore.config")
                        .hasStackTraceContaining("missing.yaml"));
        runner.withPropertyValues("polystore.stores.main.uri=mem:", "polystore.stores.main.options.pool-size=lots")
                .run(ctx -> assertThat(ctx.getStartupFailure()).hasStackTraceContaining("pool-size"));
    }

    @Test
    void springDataRedisUrisNameAConnectionFactoryBean() {
        ApplicationContextRunner withRedis = runner.withConfiguration(AutoConfigurations.of(
                PolystoreSpringDataRedisAutoConfiguration.class));
        withRedis.withPropertyValues("polystore.stores.s.uri=spring-data-redis:").run(ctx -> assertThat(ctx.getStartupFailure())
                .hasStackTraceContaining("stores.s.uri").hasStackTraceContaining("no RedisConnectionFactory bean")
                .hasStackTraceContaining("spring-boot-starter-data-redis"));
        ApplicationContextRunner twoFactories = withRedis
                .withBean("cacheRedis", LettuceConnectionFactory.class, LettuceConnectionFactory::new)
                .withBean("otherRedis", LettuceConnectionFactory.class, LettuceConnectionFactory::new);
        twoFactories.withPropertyValues("polystore.stores.s.uri=spring-data-redis:nope").run(ctx -> assertThat(ctx.getStartupFailure())
                .hasStackTraceContaining("stores.s.uri").hasStackTraceContaining("no RedisConnectionFactory bean named 'nope'")
                .hasStackTraceContaining("cacheRedis"));
        twoFactories.withPropertyValues("polystore.stores.s.uri=spring-data-redis:").run(ctx -> assertThat(ctx.getStartupFailure())
                .hasStackTraceContaining("2 RedisConnectionFactory beans").hasStackTraceContaining("spring-data-redis:cacheRedis"));
        twoFactories.withPropertyValues("polystore.stores.s.uri=spring-data-redis:otherRedis",
                "polystore.stores.s.options.colour=red").run(ctx -> assertThat(ctx.getStartupFailure())
                .hasStackTraceContaining("stores.s.options.colour").hasStackTraceContaining("key-prefix"));
        new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(PolystorePageCacheAutoConfiguration.class))
                .withBean("cacheRedis", LettuceConnectionFactory.class, LettuceConnectionFactory::new)
                .withPropertyValues("polystore.page-cache.enabled=true", "polystore.page-cache.redis=spring-data-redis:nope").run(ctx -> assertThat(ctx.getStartupFailure())
                .hasStackTraceContaining("polystore.page-cache.redis").hasStackTraceContaining("no RedisConnectionFactory bean named 'nope'"));
    }
}

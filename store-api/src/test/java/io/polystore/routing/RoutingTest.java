package io.polystore.routing;

import io.polystore.ConfigurationException;
import io.polystore.MappingException;
import io.polystore.Polystore;
import io.polystore.Repository;
import io.polystore.Store;
import io.polystore.query.Query;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.polystore.query.Criteria.eq;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Routing entity types to stores, through the public API only. */
class RoutingTest {
    private static final String PKG = "io.polystore.routing.Entities$";

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("polystore.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void aConfigFileRoutesThreeEntityTypesToThreeStores() throws IOException {
        Path file = write("""
                stores:
                  users: "mem:"
                  notes:
                    uri: mem:notes
                  graph: ${GRAPH_URI:mem:graph}
                default: users
                entities:
                  %1$sNote: notes
                  %1$sFollow: graph
                """.formatted(PKG));
        try (Polystore polystore = Polystore.fromConfig(file)) {
            Repository<Entities.User, String> users = polystore.repository(Entities.User.class);
            Repository<Entities.Note, Long> notes = polystore.repository(Entities.Note.class);
            Repository<Entities.Follow, String> follows = polystore.repository(Entities.Follow.class);

            assertThat(users.store().name()).isEqualTo("users");
            assertThat(notes.store().name()).isEqualTo("notes");
            assertThat(follows.store().name()).isEqualTo("graph");
            assertThat(polystore.storeNames()).containsExactly("users", "notes", "graph");

            Entities.User ada = users.save(new Entities.User(null, "Ada", 0));
            Entities.Note note = notes.save(new Entities.Note(null, "hello", List.of("a")));
            follows.save(new Entities.Follow("f1", ada.id(), "someone", Instant.EPOCH));

            assertThat(ada.version()).isEqualTo(1);
            assertThat(note.id()).isPositive();
            assertThat(users.find(Query.where(eq("name", "Ada"))).content()).containsExactly(ada);
            assertThat(notes.findById(note.id())).contains(note);
            assertThat(follows.count()).isEqualTo(1);
            assertThat(polystore.repository(Entities.User.class)).isSameAs(users);
            // each store holds its own data
            assertThat(polystore.store("notes").repository(io.polystore.mapping.EntityModel.of(Entities.User.class)).count()).isZero();
        }
    }

    @Test
    void configWinsOverTheAnnotationWhichWinsOverTheDefault() {
        try (Polystore polystore = Polystore.builder()
                .store("main", "mem:")
                .store("annotated", "mem:")
                .store("other", "mem:")
                .route(Entities.Annotated.class, "other")
                .defaultStore("main")
                .build()) {
            assertThat(polystore.storeFor(Entities.Annotated.class).name()).isEqualTo("other");
            assertThat(polystore.storeFor(Entities.Unrouted.class).name()).isEqualTo("main");
        }
        try (Polystore polystore = Polystore.builder().store("main", "mem:").store("annotated", "mem:")
                .defaultStore("main").build()) {
            assertThat(polystore.storeFor(Entities.Annotated.class).name()).isEqualTo("annotated");
        }
    }

    @Test
    void aSingleStoreIsTheDefault() {
        try (Polystore polystore = Polystore.builder().store("only", "mem:").build()) {
            assertThat(polystore.repository(Entities.Unrouted.class).store().name()).isEqualTo("only");
        }
    }

    @Test
    void anEntityWithNoRouteAndNoDefaultIsRefused() {
        try (Polystore polystore = Polystore.builder().store("a", "mem:").store("b", "mem:").build()) {
            assertThatThrownBy(() -> polystore.repository(Entities.Unrouted.class))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("Entities$Unrouted").hasMessageContaining("default");
        }
    }

    @Test
    void anAnnotationNamingNoStoreIsRefused() {
        try (Polystore polystore = Polystore.builder().store("main", "mem:").build()) {
            assertThatThrownBy(() -> polystore.repository(Entities.Lost.class))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("@Store(\"nowhere\")").hasMessageContaining("[main]");
        }
    }

    @Test
    void repositoryWithIdTypeChecksTheIdType() {
        try (Polystore polystore = Polystore.builder().store("main", "mem:").build()) {
            Repository<Entities.Note, Long> notes = polystore.repository(Entities.Note.class, Long.class);
            assertThat(notes.model().type()).isEqualTo(Entities.Note.class);
            assertThatThrownBy(() -> polystore.repository(Entities.Note.class, String.class))
                    .isInstanceOf(MappingException.class).hasMessageContaining("id");
        }
    }

    @Test
    void closingClosesEveryStore() {
        Polystore polystore = Polystore.builder().store("a", "mem:").store("b", "mem:").build();
        Store a = polystore.store("a");
        Repository<Entities.Unrouted, String> repo = a.repository(io.polystore.mapping.EntityModel.of(Entities.Unrouted.class));
        polystore.close();
        assertThatThrownBy(repo::count).isInstanceOf(io.polystore.StoreUnavailableException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> polystore.store("a")).isInstanceOf(IllegalStateException.class);
        polystore.close();
    }

    @Test
    void anOpenStoreCanBeAddedAndIsClosedWithThePolystore() {
        Store a = Polystore.builder().store("a", "mem:").build().store("a");
        try (Polystore polystore = Polystore.builder().store(a).store("b", "mem:").defaultStore("b").build()) {
            assertThat(polystore.store("a")).isSameAs(a);
            assertThat(polystore.storeNames()).containsExactly("a", "b");
            assertThatThrownBy(() -> Polystore.builder().store(a).store("a", "mem:"))
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("'a' is configured twice");
        }
        assertThatThrownBy(() -> a.repository(io.polystore.mapping.EntityModel.of(Entities.Unrouted.class)).count())
                .isInstanceOf(io.polystore.StoreUnavailableException.class);
    }

    @Test
    void storeOptionsReachTheProviderWhichRejectsUnknownOnes() {
        assertThatThrownBy(() -> Polystore.builder().store("main", "mem:", Map.of("pool-size", "3")).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("stores.main.options.pool-size").hasMessageContaining("unknown option");
    }
}

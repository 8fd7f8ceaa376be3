package io.polystore.routing;

import io.polystore.annotation.Id;
import io.polystore.annotation.Indexed;
import io.polystore.annotation.Store;
import io.polystore.annotation.Version;

import java.time.Instant;
import java.util.List;

/** Entity types for routing and mapping tests. */
final class Entities {
    private Entities() {
    }

    record User(@Id String id, @Indexed String name, @Version long version) {
    }

    record Note(@Id Long id, String text, List<String> tags) {
    }

    record Follow(String id, String from, String to, Instant at) {
    }

    @Store("annotated")
    record Annotated(String id) {
    }

    @Store("nowhere")
    record Lost(String id) {
    }

    record Unrouted(String id) {
    }

    record NoId(String name) {
    }

    record TwoIds(@Id String a, @Id String b) {
    }

    record DoubleId(@Id double id) {
    }

    record IntVersion(@Id String id, @Version String version) {
    }

    static class Base {
        String name;
    }

    static class Shadowing extends Base {
        @Id
        String id;
        String name;
    }

    static class NoConstructor {
        @Id
        String id;

        NoConstructor(String id) {
            this.id = id;
        }
    }

    interface NotAClass {
    }
}

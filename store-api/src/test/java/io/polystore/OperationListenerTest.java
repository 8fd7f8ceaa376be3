package io.polystore;

import io.polystore.annotation.Id;
import io.polystore.annotation.Version;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OperationListenerTest {
    record Thing(@Id String id, String name, @Version long version) {
    }

    @Test
    void listenersHearEveryCallWithItsStoreAndFailure() {
        try (Polystore p = Polystore.builder().store("main", "mem:").build()) {
            List<String> heard = new ArrayList<>();
            p.addListener((entity, store, operation, nanos, failure) ->
                    heard.add(entity + "/" + store + "/" + operation + "/" + (failure == null ? "ok" : failure.getClass().getSimpleName())
                            + (nanos >= 0 ? "" : "?")));
            Repository<Thing, String> things = p.repository(Thing.class);
            Thing t = things.save(new Thing("a", "x", 0));
            things.findById("a");
            assertThatThrownBy(() -> things.save(new Thing("a", "stale", 0))).isInstanceOf(OptimisticLockException.class);
            things.count();
            assertThat(heard).containsExactly("Thing/main/save/ok", "Thing/main/findById/ok",
                    "Thing/main/save/OptimisticLockException", "Thing/main/count/ok");
            assertThat(p.repository(Thing.class)).isSameAs(things);
            assertThat(t.version()).isEqualTo(1);
        }
    }

    @Test
    void withoutListenersRepositoriesAreTheStoresOwn() {
        try (Polystore p = Polystore.builder().store("main", "mem:").build()) {
            Repository<Thing, String> things = p.repository(Thing.class);
            assertThat(things.getClass().getName()).doesNotContain("Listened");
        }
    }
}

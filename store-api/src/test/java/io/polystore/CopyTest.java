package io.polystore;

import io.polystore.annotation.Expires;
import io.polystore.annotation.Id;
import io.polystore.annotation.Indexed;
import io.polystore.annotation.Version;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Copy} between two in-memory stores; the back-end pairs are tested in polystore-cli. */
class CopyTest {
    record Account(@Id String id, @Indexed String name, BigDecimal balance, Map<String, Integer> counts, Instant at,
                   @Version long version) {
    }

    record Visit(@Id Long id, String page, @Expires Instant until) {
    }

    private Polystore polystore;

    @BeforeEach
    void open() {
        polystore = Polystore.builder().store("a", "mem:a").store("b", "mem:b").defaultStore("a").build();
        List<Account> accounts = new ArrayList<>();
        for (int i = 0; i < 1234; i++) {
            accounts.add(new Account("acc" + i, "name " + (i % 7), new BigDecimal("1.50").movePointLeft(i % 3),
                    Map.of("z", i, "a", -i), Instant.parse("2026-01-01T00:00:00Z").plusMillis(i), 0));
        }
        Repository<Account, String> a = polystore.repository(Account.class);
        a.saveAll(accounts);
        a.save(a.findById("acc5").orElseThrow());   // version 2
    }

    @AfterEach
    void close() {
        polystore.close();
    }

    private <T> Repository<T, Object> in(String store, Class<T> type) {
        return polystore.store(store).repository(io.polystore.mapping.EntityModel.of(type));
    }

    @Test
    void copiesEveryEntityKeepingIdsVersionsAndValuesAndVerifies() {
        List<Copy.Progress> progress = new ArrayList<>();
        Copy.Report r = polystore.copy(Account.class, "a", "b", Copy.Options.defaults().batchSize(100).progress(progress::add));
        assertThat(r.copied()).isEqualTo(1234);
        assertThat(r.verified()).isTrue();
        assertThat(r.sourceCount()).isEqualTo(1234).isEqualTo(r.targetCount());
        assertThat(r.sourceChecksum()).hasSize(64).isEqualTo(r.targetChecksum());
        assertThat(r.deleted()).isZero();
        Repository<Account, Object> b = in("b", Account.class);
        assertThat(b.findById("acc5").orElseThrow().version()).isEqualTo(2);
        assertThat(b.findById("acc1")).isEqualTo(in("a", Account.class).findById("acc1"));
        assertThat(in("a", Account.class).count()).isEqualTo(1234);
        assertThat(progress).extracting(Copy.Progress::phase).contains("copy", "verify", "done");
        assertThat(progress.stream().filter(p -> p.phase().equals("copy")).map(Copy.Progress::done).toList())
                .isSorted().contains(100L, 1200L, 1234L);
        assertThat(progress.get(progress.size() - 1).total()).isEqualTo(1234);
        // the copied entities are versioned as in the source: a stale save is refused there as here
        assertThatThrownBy(() -> b.save(new Account("acc5", "x", null, null, null, 1))).isInstanceOf(OptimisticLockException.class);
    }

    @Test
    void anInterruptedCopyResumesFromItsLastCheckpoint() {
        List<String> checkpoints = new ArrayList<>();
        assertThatThrownBy(() -> polystore.copy(Account.class, "a", "b", Copy.Options.defaults().batchSize(100).progress(p -> {
            if (p.checkpoint() != null) {
                checkpoints.add(p.checkpoint());
            }
            if (p.done() >= 500) {
                throw new IllegalStateException("interrupted");
            }
        }))).hasMessage("interrupted");
        assertThat(in("b", Account.class).count()).isEqualTo(500);
        Copy.Report rest = polystore.copy(Account.class, "a", "b",
                Copy.Options.defaults().batchSize(100).resumeFrom(checkpoints.get(checkpoints.size() - 1)));
        assertThat(rest.copied()).isEqualTo(734);
        assertThat(rest.verified()).isTrue();
        assertThat(in("b", Account.class).count()).isEqualTo(1234);
    }

    @Test
    void deleteSourceRemovesOnlyAfterAPassedVerification() {
        Repository<Account, Object> b = in("b", Account.class);
        b.save(new Account("stranger", "only in the target", null, null, null, 0));
        assertThatThrownBy(() -> polystore.copy(Account.class, "a", "b", Copy.Options.defaults().deleteSource(true)))
                .isInstanceOf(Copy.VerificationException.class).hasMessageContaining("stranger")
                .hasMessageContaining("nothing was deleted")
                .satisfies(e -> assertThat(((Copy.VerificationException) e).report().targetCount()).isEqualTo(1235));
        assertThat(in("a", Account.class).count()).isEqualTo(1234);

        b.deleteById("stranger");
        Copy.Report r = polystore.copy(Account.class, "a", "b", Copy.Options.defaults().deleteSource(true));
        assertThat(r.verified()).isTrue();
        assertThat(r.deleted()).isEqualTo(1234);
        assertThat(in("a", Account.class).count()).isZero();
        assertThat(b.count()).isEqualTo(1234);
    }

    @Test
    void expiryAndWholeNumberIdsTravel() {
        Repository<Visit, Object> a = in("a", Visit.class);
        Instant later = Instant.now().plus(Duration.ofHours(1));
        a.saveAll(List.of(new Visit(null, "/", later), new Visit(null, "/x", null), new Visit(40L, "/y", later)));
        Copy.Report r = polystore.copy(Visit.class, "a", "b", Copy.Options.defaults());
        assertThat(r.copied()).isEqualTo(3);
        Repository<Visit, Object> b = in("b", Visit.class);
        assertThat(b.findById(40L)).contains(new Visit(40L, "/y", later));
        assertThat(b.save(new Visit(null, "/next", null)).id()).isNotIn(1L, 2L, 40L);
    }

    @Test
    void badRequestsSayWhatIsWrong() {
        assertThatThrownBy(() -> polystore.copy(Account.class, "a", "a", Copy.Options.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same store");
        assertThatThrownBy(() -> polystore.copy(Account.class, "a", "nope", Copy.Options.defaults()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("nope");
        assertThatThrownBy(() -> Copy.Options.defaults().batchSize(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Copy.Options(10, null, false, true, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> polystore.copy(Account.class, "a", "b", Copy.Options.defaults().resumeFrom("garbage")))
                .isInstanceOf(UnsupportedQueryException.class);
    }
}

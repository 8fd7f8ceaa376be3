package io.polystore.pagecache.internal;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class CircuitBreakerTest {
    @Test
    void opensAfterConsecutiveFailuresProbesOnceAndRecovers() {
        AtomicLong now = new AtomicLong(1000);
        AtomicInteger recovered = new AtomicInteger();
        CircuitBreaker b = new CircuitBreaker(3, 500, now::get, recovered::incrementAndGet);
        b.failure();
        b.failure();
        b.success();
        b.failure();
        b.failure();
        assertThat(b.allow()).as("a success resets the count").isTrue();
        b.failure();
        assertThat(b.isOpen()).isTrue();
        assertThat(b.allow()).isFalse();
        now.addAndGet(500);
        assertThat(b.allow()).as("one probe after the open period").isTrue();
        assertThat(b.allow()).as("only one").isFalse();
        b.failure();
        now.addAndGet(500);
        assertThat(b.allow()).isTrue();
        b.success();
        assertThat(b.isOpen()).isFalse();
        assertThat(b.allow()).isTrue();
        assertThat(recovered).hasValue(1);
        assertThat(b.timesOpened()).isEqualTo(1);
    }
}

package io.polystore.spi;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FirstNTest {
    @Test
    void keepsTheFirstNInOrderWhateverTheArrivalOrder() {
        Comparator<Map<String, Object>> order = Comparator.comparing(d -> (Integer) d.get("v"));
        Random random = new Random(1);
        for (int run = 0; run < 50; run++) {
            List<Map<String, Object>> all = new ArrayList<>();
            for (int i = 0; i < random.nextInt(200); i++) {
                all.add(Map.of("v", random.nextInt(50)));
            }
            int n = 1 + random.nextInt(10);
            FirstN first = new FirstN(order, n);
            all.forEach(first);
            List<Map<String, Object>> expected = all.stream().sorted(order).limit(n).toList();
            assertThat(first.sorted()).extracting(d -> d.get("v")).isEqualTo(expected.stream().map(d -> d.get("v")).toList());
        }
        assertThatThrownBy(() -> new FirstN(order, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}

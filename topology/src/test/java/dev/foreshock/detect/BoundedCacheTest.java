package dev.foreshock.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BoundedCacheTest {

  private final Map<String, Integer> evicted = new LinkedHashMap<>();

  @Test
  void shouldEvictLeastRecentlyUsedEntryWhenFull() {
    BoundedCache<String, Integer> cache = new BoundedCache<>(3, evicted::put);
    cache.put("a", 1);
    cache.put("b", 2);
    cache.put("c", 3);
    cache.get("a");
    cache.put("d", 4);

    assertThat(evicted).containsExactly(Map.entry("b", 2));
    assertThat(cache.size()).isEqualTo(3);
    assertThat(cache.peek("b")).isNull();
    assertThat(cache.evictions()).isEqualTo(1);
  }

  @Test
  void shouldNotChangeOrderWhenPeeking() {
    BoundedCache<String, Integer> cache = new BoundedCache<>(2, evicted::put);
    cache.put("a", 1);
    cache.put("b", 2);
    assertThat(cache.peek("a")).isEqualTo(1);
    cache.put("c", 3);

    assertThat(evicted).containsOnlyKeys("a");
  }

  @Test
  void shouldReplaceValueWithoutEvictingWhenKeyIsHeld() {
    BoundedCache<String, Integer> cache = new BoundedCache<>(2, evicted::put);
    cache.put("a", 1);
    cache.put("b", 2);
    cache.put("a", 10);
    cache.put("c", 3);

    assertThat(evicted).containsExactly(Map.entry("b", 2));
    assertThat(cache.peek("a")).isEqualTo(10);
  }

  @Test
  void shouldRemoveWithoutCallingEvictor() {
    BoundedCache<String, Integer> cache = new BoundedCache<>(2, evicted::put);
    cache.put("a", 1);
    assertThat(cache.remove("a")).isEqualTo(1);
    assertThat(cache.remove("a")).isNull();
    cache.put("b", 2);
    cache.put("c", 3);

    assertThat(evicted).isEmpty();
    assertThat(cache.size()).isEqualTo(2);
  }

  @Test
  void shouldVisitOldestFirstAndRemoveWhatPredicateDropsWhenItLooksUpAndRemovesOthers() {
    BoundedCache<String, Integer> cache = new BoundedCache<>(10, evicted::put);
    for (int i = 0; i < 6; i++) {
      cache.put("k" + i, i);
    }
    List<String> seen = new ArrayList<>();
    cache.removeIf((k, v) -> {
      seen.add(k);
      cache.get("k1"); // a lookup during the iteration (leaves the order)
      cache.remove("k4"); // and a removal of a later entry
      return v % 2 == 0;
    });

    assertThat(seen).containsExactly("k0", "k1", "k2", "k3", "k5");
    List<String> left = new ArrayList<>();
    cache.forEach((k, v) -> left.add(k));
    assertThat(left).containsExactly("k1", "k3", "k5");
    assertThatThrownBy(() -> cache.forEach((k, v) -> cache.put("new", 1)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldBehaveAsLruModelOverRandomOperations() {
    Random random = new Random(4242);
    int capacity = 1 + random.nextInt(20);
    BoundedCache<Integer, Integer> cache = new BoundedCache<>(capacity, (k, v) -> {});
    LinkedHashMap<Integer, Integer> model = new LinkedHashMap<>(16, 0.75f, true);
    Map<Integer, Integer> evictedByModel = new HashMap<>();
    for (int i = 0; i < 20_000; i++) {
      int key = random.nextInt(3 * capacity);
      switch (random.nextInt(3)) {
        case 0 -> assertThat(cache.get(key)).isEqualTo(model.get(key));
        case 1 -> {
          cache.put(key, i);
          model.put(key, i);
          if (model.size() > capacity) {
            Integer eldest = model.keySet().iterator().next();
            evictedByModel.put(eldest, model.remove(eldest));
          }
        }
        default -> assertThat(cache.remove(key)).isEqualTo(model.remove(key));
      }
      assertThat(cache.size()).isEqualTo(model.size());
    }
    List<Integer> order = new ArrayList<>();
    cache.forEach((k, v) -> order.add(k));
    assertThat(order).containsExactlyElementsOf(model.keySet());
    assertThat(evictedByModel).isNotEmpty();
  }

  @Test
  void shouldRejectCapacityBelowOne() {
    assertThatThrownBy(() -> new BoundedCache<String, String>(0, (k, v) -> {}))
        .hasMessageContaining("at least 1");
  }
}

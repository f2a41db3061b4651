package dev.foreshock.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CauseRankerTest {

  private static final Instant ONSET = Instant.parse("2025-08-29T07:50:00Z");
  private final List<ChangeRecord> changes = new ArrayList<>();
  private final CauseRanker ranker = new CauseRanker((target, from, to) -> changes.stream()
      .filter(c -> c.target().equals(target) && c.ts() >= from && c.ts() <= to).toList());

  private void change(Duration beforeOnset, String target, String kind, String description) {
    changes.add(new ChangeRecord(ONSET.minus(beforeOnset).toEpochMilli(), target, kind, description));
  }

  private List<String> rank(Duration lookback) {
    return ranker.rank(Set.of("redis-queue", "search-api"), Set.of("chat-api", "billing-api"),
        List.of(new CauseRanker.Onset(ONSET.toEpochMilli(), lookback)), 5);
  }

  @Test
  void shouldRankTheNearerChangeFirstWhenKindAndRelationAreEqual() {
    change(Duration.ofMinutes(40), "search-api", "DEPLOY", "older");
    change(Duration.ofMinutes(7), "redis-queue", "CONFIG", "newer");
    assertThat(rank(Duration.ofHours(6))).containsExactly(
        "2025-08-29T07:43:00Z CONFIG redis-queue: newer", "2025-08-29T07:10:00Z DEPLOY search-api: older");
  }

  @Test
  void shouldRankADeployAboveAScaleEvenWhenTheScaleIsCloser() {
    change(Duration.ofMinutes(2), "search-api", "SCALE", "autoscaler");
    change(Duration.ofMinutes(7), "search-api", "DEPLOY", "APM agent dependency update");
    assertThat(rank(Duration.ofHours(6)).get(0)).contains("DEPLOY");
  }

  @Test
  void shouldRankADirectChangeAboveAnIndirectOneAtTheSameTime() {
    change(Duration.ofMinutes(10), "chat-api", "DEPLOY", "indirect");
    change(Duration.ofMinutes(10), "redis-queue", "DEPLOY", "direct");
    assertThat(rank(Duration.ofHours(6))).containsExactly(
        "2025-08-29T07:40:00Z DEPLOY redis-queue: direct", "2025-08-29T07:40:00Z DEPLOY chat-api: indirect");
  }

  @Test
  void shouldIgnoreChangesBeyondTheLookBackOrWellAfterTheOnsetOrOnUnrelatedTargets() {
    change(Duration.ofHours(7), "search-api", "DEPLOY", "too old");
    change(Duration.ofMinutes(-30), "search-api", "DEPLOY", "after the onset");
    change(Duration.ofMinutes(-5), "search-api", "ROLLBACK", "logged a bit late");
    change(Duration.ofMinutes(5), "inventory-api", "DEPLOY", "unrelated");
    assertThat(rank(Duration.ofHours(6))).containsExactly("2025-08-29T07:55:00Z ROLLBACK search-api: logged a bit late");
  }

  @Test
  void shouldTakeEachChangeOnceWithItsBestOnset() {
    change(Duration.ofMinutes(30), "search-api", "DEPLOY", "once");
    List<String> causes = ranker.rank(Set.of("search-api"), Set.of(), List.of(
        new CauseRanker.Onset(ONSET.toEpochMilli(), Duration.ofHours(6)),
        new CauseRanker.Onset(ONSET.plusSeconds(60).toEpochMilli(), Duration.ofHours(6))), 5);
    assertThat(causes).containsExactly("2025-08-29T07:20:00Z DEPLOY search-api: once");
  }

  @Test
  void shouldLimitTheListAndShortenLongDescriptions() {
    for (int i = 1; i <= 8; i++) {
      change(Duration.ofMinutes(i), "search-api", "CONFIG", "x".repeat(300));
    }
    List<String> causes = rank(Duration.ofHours(6));
    assertThat(causes).hasSize(5);
    assertThat(causes.get(0)).startsWith("2025-08-29T07:49:00Z CONFIG search-api: xxx").endsWith("...").hasSizeLessThanOrEqualTo(160);
  }
}

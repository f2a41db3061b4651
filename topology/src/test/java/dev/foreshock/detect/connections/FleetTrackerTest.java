package dev.foreshock.detect.connections;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetTrackerTest {

  private static final long MIN = 60_000;

  @Test
  void shouldCountEachInstanceOnceWhenSeenRepeatedly() {
    FleetTracker fleet = new FleetTracker(30 * MIN, 100);
    for (int t = 0; t < 10; t++) {
      for (int i = 0; i < 8; i++) {
        fleet.seen("fapi-" + i, t * MIN);
      }
    }
    assertThat(fleet.size()).isEqualTo(8);
  }

  @Test
  void shouldDropInstancesNotSeenWithinTheExpiry() {
    FleetTracker fleet = new FleetTracker(30 * MIN, 100);
    fleet.seen("a", 0);
    fleet.seen("b", 0);
    fleet.seen("c", 10 * MIN);
    fleet.seen("a", 20 * MIN);
    fleet.expire(35 * MIN);
    assertThat(fleet.size()).isEqualTo(2);
    assertThat(fleet.contains("b")).isFalse();
    assertThat(fleet.contains("a")).isTrue();
    fleet.expire(45 * MIN);
    assertThat(fleet.contains("c")).isFalse();
    assertThat(fleet.contains("a")).isTrue();
    fleet.expire(51 * MIN);
    assertThat(fleet.size()).isZero();
  }

  @Test
  void shouldHoldOldAndNewInstancesUntilTheOldExpireAfterARollingDeploy() {
    FleetTracker fleet = new FleetTracker(30 * MIN, 1000);
    for (int i = 0; i < 20; i++) {
      fleet.seen("old-" + i, 0);
    }
    for (int i = 0; i < 20; i++) {
      fleet.seen("new-" + i, 5 * MIN + i * 10_000);
    }
    fleet.expire(10 * MIN);
    assertThat(fleet.size()).isEqualTo(40);
    fleet.expire(31 * MIN);
    assertThat(fleet.size()).isEqualTo(20);
  }

  @Test
  void shouldEvictTheLongestUnseenWhenOverTheCap() {
    FleetTracker fleet = new FleetTracker(30 * MIN, 3);
    fleet.seen("a", 1);
    fleet.seen("b", 2);
    fleet.seen("c", 3);
    fleet.seen("a", 4);
    fleet.seen("d", 5);
    assertThat(fleet.size()).isEqualTo(3);
    assertThat(fleet.contains("b")).isFalse();
    assertThat(fleet.contains("a")).isTrue();
  }

  @Test
  void shouldRestoreFromSnapshotInLastSeenOrder() {
    FleetTracker restored = FleetTracker.of(30 * MIN, 100, Map.of("late", 20 * MIN, "early", 0L, "mid", 10 * MIN));
    assertThat(restored.snapshot().keySet()).containsExactly("early", "mid", "late");
    restored.expire(35 * MIN);
    assertThat(restored.snapshot().keySet()).containsExactly("mid", "late");
    assertThat(FleetTracker.of(MIN, 10, null).size()).isZero();
  }

  @Test
  void shouldKeepTheLaterTimeWhenSeenOutOfOrder() {
    FleetTracker fleet = new FleetTracker(30 * MIN, 100);
    fleet.seen("a", 20 * MIN);
    fleet.seen("a", 5 * MIN);
    assertThat(fleet.snapshot()).containsEntry("a", 20 * MIN);
  }
}

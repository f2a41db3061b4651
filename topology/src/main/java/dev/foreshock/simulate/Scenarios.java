package dev.foreshock.simulate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Every scenario: one per seed incident, the negative controls the detectors must stay quiet on,
 * and a quiet baseline. {@code Scenarios.generate("rapid-rise", 7)} gives the records in file
 * order and the labels; {@link SimulatedScenario#shiftedToEndAt(Instant)} moves them to end at a
 * given instant (for a demo replaying recent-looking data).
 */
public final class Scenarios {

  private static final List<Scenario> ALL = List.of(
      new RapidRiseScenario(),
      new SyncRecyclingScenario(true),
      new PoolStallScenario(),
      new SlowLeakScenario(),
      new HealthyRecyclingScenario(),
      new SyncRecyclingScenario(false),
      new RequestSurgeScenario(),
      new CacheAtLimitScenario(),
      new DailyRhythmScenario(),
      new GcSawtoothScenario(),
      new QuietBaselineScenario());

  /** The four seed incidents, in the order of the seed reports. */
  public static final List<String> SEED_INCIDENTS = List.of(
      RapidRiseScenario.NAME, SyncRecyclingScenario.NAME, PoolStallScenario.NAME, SlowLeakScenario.NAME);

  private Scenarios() {
  }

  public static List<Scenario> all() {
    return ALL;
  }

  public static List<String> names() {
    return ALL.stream().map(Scenario::name).toList();
  }

  public static Optional<Scenario> find(String name) {
    return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /**
   * Generates {@code name} for {@code seed}.
   *
   * @throws IllegalArgumentException naming the known scenarios if {@code name} is not one
   */
  public static SimulatedScenario generate(String name, long seed) {
    return find(name).orElseThrow(() -> new IllegalArgumentException(
        "unknown scenario \"" + name + "\"; known: " + String.join(", ", names())))
        .generate(seed);
  }
}

package dev.foreshock.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.ChangeEvent;
import dev.foreshock.avro.ConnectionEvent;
import dev.foreshock.avro.ConnectionEventKind;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.score.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The labels say what the generator did: each test reads the generated records themselves and
 * checks the truth the labels claim (onsets, deadlines, exhaustion), and that the negative controls
 * hold what they promise (no fleet-wide bursts, no net growth, unchanged error ratio).
 */
class ScenarioTruthTest {

  private static final long SECOND = 1_000;
  private static final long MINUTE = 60 * SECOND;
  private static final long DAY = 24 * 60 * MINUTE;

  @ParameterizedTest
  @ValueSource(longs = {3, 4})
  void shouldClimbToLimitWithinRiseLabelAndFailDependantsInRapidRise(long seed) {
    SimulatedScenario s = Scenarios.generate("rapid-rise", seed);
    Labels.Expectation rise = expectation(s, CandidateType.MEMORY_RAPID_RISE, "redis-queue");
    List<MemorySample> queue = memory(s, "redis-queue");

    assertThat(maxFraction(queue, s.startMs(), rise.notBefore())).isLessThan(0.7);
    assertThat(maxFraction(queue, rise.notBefore(), rise.notBefore() + 2 * MINUTE + 15 * SECOND))
        .isGreaterThan(0.97);
    ChangeEvent deploy = change(s, "DEPLOY");
    assertThat(deploy.getTarget()).isEqualTo("search-api");
    assertThat(rise.notBefore() - deploy.getTs()).isBetween(5 * MINUTE, 10 * MINUTE);

    for (String service : List.of("search-api", "recommendation-api", "chat-api")) {
      Labels.Expectation spike = expectation(s, CandidateType.ERROR_RATE_SPIKE, service);
      assertThat(errorRatio(s, service, s.startMs(), spike.notBefore())).as(service).isLessThan(0.01);
      assertThat(errorRatio(s, service, spike.notBefore() + 30 * SECOND, spike.deadline())).as(service)
          .isGreaterThan(0.1);
    }
    Labels.Expectation gap = expectation(s, CandidateType.TELEMETRY_GAP, "visitor-log");
    assertThat(requests(s, "visitor-log", gap.notBefore() - 5 * MINUTE, gap.notBefore())).isNotEmpty();
    assertThat(requests(s, "visitor-log", gap.notBefore(), gap.deadline())).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(longs = {3, 4})
  void shouldBunchHalfTheFleetAtLabelledBurstOnlyAfterUpgradeInSyncRecycling(long seed) {
    SimulatedScenario s = Scenarios.generate("sync-recycling", seed);
    Labels.Expectation burst = expectation(s, CandidateType.CONNECTION_BURST, "postgres-main");
    Labels.Expectation periodic = expectation(s, CandidateType.PERIODIC_CONNECTION_RECYCLING, "postgres-main");
    int fleet = ((Number) s.labels().parameters().get("fleetSize")).intValue();
    long period = ((Number) s.labels().parameters().get("poolLifetimeSeconds")).longValue() * SECOND;
    ChangeEvent upgrade = change(s, "UPGRADE");

    assertThat(upgrade.getTarget()).isEqualTo("postgres-main");
    assertThat(upgrade.getTs()).isLessThan(periodic.notBefore());
    assertThat(openers(s, "frontend-api", burst.notBefore() - period - 5 * SECOND,
        burst.notBefore() - period + 5 * SECOND)).hasSizeLessThan(fleet / 2);
    int pool = ((Number) s.labels().parameters().get("poolSize")).intValue();
    assertThat(mostWholePoolRecyclersIn5s(s, "frontend-api", pool, s.startMs(), upgrade.getTs())).isLessThanOrEqualTo(1);
    assertThat(wholePoolRecyclers(s, "frontend-api", pool, burst.notBefore(), burst.notBefore() + 8 * SECOND))
        .as("half the fleet recycles its whole pool within seconds from the labelled onset")
        .isGreaterThanOrEqualTo((fleet + 1) / 2);
    assertThat(wholePoolRecyclers(s, "frontend-api", pool, burst.notBefore() - 8 * SECOND, burst.notBefore()))
        .as("and not before it").isLessThanOrEqualTo(2);
    assertThat(periodic.deadline()).isEqualTo(burst.notBefore() + 4 * period);
  }

  @ParameterizedTest
  @ValueSource(longs = {3, 4})
  void shouldFailAcquiresAcrossInstancesRightAfterMaintenanceInPoolStall(long seed) {
    SimulatedScenario s = Scenarios.generate("pool-stall", seed);
    Labels.Expectation failures = expectation(s, CandidateType.CONNECTION_FAILURES, "postgres-orders");
    ChangeEvent maintenance = change(s, "MAINTENANCE");
    List<ConnectionEvent> failed = connections(s).stream()
        .filter(e -> e.getEvent() == ConnectionEventKind.ACQUIRE_FAILED).toList();

    assertThat(failed).isNotEmpty();
    assertThat(failed.stream().mapToLong(ConnectionEvent::getTs).min().orElseThrow())
        .isGreaterThanOrEqualTo(failures.notBefore()).isLessThan(failures.notBefore() + 5 * SECOND);
    assertThat(failures.notBefore() - maintenance.getTs()).isBetween(0L, MINUTE + 10 * SECOND);
    Set<String> early = new HashSet<>();
    failed.stream().filter(e -> e.getTs() <= failures.deadline()).forEach(e -> early.add(e.getInstance()));
    assertThat(early).hasSizeGreaterThanOrEqualTo(3);
    Labels.Expectation spike = expectation(s, CandidateType.ERROR_RATE_SPIKE, "core-api");
    assertThat(errorRatio(s, "core-api", s.startMs(), spike.notBefore())).isLessThan(0.01);
    assertThat(errorRatio(s, "core-api", spike.notBefore() + 30 * SECOND, spike.deadline())).isGreaterThan(0.1);
  }

  @ParameterizedTest
  @ValueSource(longs = {3, 4})
  void shouldGrowFromDeployUntilLabelledExhaustionInSlowLeak(long seed) {
    SimulatedScenario s = Scenarios.generate("slow-leak", seed);
    Labels.Expectation warning = s.labels().expect().stream()
        .filter(e -> e.type() == CandidateType.MEMORY_GROWTH && e.minSeverity().name().equals("WARNING"))
        .findFirst().orElseThrow();
    long onset = warning.notBefore();
    long exhausts = warning.exhaustsAt();
    List<MemorySample> queue = memory(s, "redis-jobs");
    TreeMap<Long, Double> dailyMin = dailyMinimum(queue, s.startMs());

    assertThat(onset - change(s, "DEPLOY").getTs()).isBetween(0L, 10 * MINUTE);
    assertThat((exhausts - onset) / (double) DAY).isBetween(14.0, 23.0);
    double firstDay = dailyMin.firstEntry().getValue();
    double lastHealthyDay = dailyMin.floorEntry((onset - s.startMs()) / DAY - 1).getValue();
    assertThat(Math.abs(lastHealthyDay - firstDay)).as("flat before the onset").isLessThan(0.03);
    double weekAfter = dailyMin.get((onset - s.startMs()) / DAY + 8);
    assertThat(weekAfter - lastHealthyDay).as("growing after the onset").isGreaterThan(0.1);
    assertThat(maxFraction(queue, s.startMs(), exhausts - DAY)).isLessThan(0.995);
    assertThat(maxFraction(queue, exhausts, exhausts + 10 * MINUTE)).isGreaterThan(0.98);
    assertThat(warning.deadline() - onset).isEqualTo(2 * DAY);
  }

  @ParameterizedTest
  @ValueSource(longs = {3, 4})
  void shouldNeverRecycleLargeShareOfFleetAtOnceInHealthyRecycling(long seed) {
    SimulatedScenario s = Scenarios.generate("healthy-recycling", seed);
    int fleet = ((Number) s.labels().parameters().get("fleetSize")).intValue();

    int pool = ((Number) s.labels().parameters().get("poolSize")).intValue();
    assertThat(mostWholePoolRecyclersIn5s(s, "frontend-api", pool, s.startMs(), s.endMs()))
        .isLessThanOrEqualTo(Math.max(3, fleet / 10));
    int cron = ((Number) s.labels().parameters().get("cronConnections")).intValue();
    Map<Long, Integer> cronOpens = new HashMap<>();
    connections(s).stream().filter(e -> e.getService().equals("reports-cron")
        && e.getEvent() == ConnectionEventKind.OPENED).forEach(e -> cronOpens.merge(e.getTs() / MINUTE, 1, Integer::sum));
    assertThat(cronOpens.values()).isNotEmpty().allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(cron));
    assertThat(s.records()).anySatisfy(r -> assertThat(r).isInstanceOfSatisfying(ChangeEvent.class,
        c -> assertThat(c.getKind()).isEqualTo("DEPLOY")));
  }

  @ParameterizedTest
  @ValueSource(longs = {3, 4})
  void shouldKeepFixedLifetimeRecyclingSpreadWithoutUpgradeInFixedLifetime(long seed) {
    SimulatedScenario s = Scenarios.generate("fixed-lifetime", seed);
    int pool = ((Number) s.labels().parameters().get("poolSize")).intValue();
    long lifetime = ((Number) s.labels().parameters().get("poolLifetimeSeconds")).longValue() * SECOND;

    assertThat(s.records()).noneSatisfy(r -> assertThat(r).isInstanceOf(ChangeEvent.class));
    assertThat(mostWholePoolRecyclersIn5s(s, "frontend-api", pool, s.startMs(), s.endMs())).isLessThanOrEqualTo(1);
    assertThat(openers(s, "frontend-api", s.startMs(), s.startMs() + lifetime)).as("every container recycles")
        .hasSize(((Number) s.labels().parameters().get("fleetSize")).intValue());
  }

  @ParameterizedTest
  @ValueSource(longs = {3, 4})
  void shouldSurgeRequestsWithoutChangingErrorRatioInRequestSurge(long seed) {
    SimulatedScenario s = Scenarios.generate("request-surge", seed);
    double ratio = ((Number) s.labels().parameters().get("errorRatio")).doubleValue();
    TreeMap<Long, long[]> perMinute = new TreeMap<>();
    requests(s, "frontend-api", s.startMs(), s.endMs()).forEach(r -> {
      long[] v = perMinute.computeIfAbsent(r.getTs() / MINUTE, k -> new long[2]);
      v[0] += r.getRequests();
      v[1] += r.getErrors();
    });
    List<long[]> inner = new ArrayList<>(perMinute.subMap(perMinute.firstKey() + 1, perMinute.lastKey()).values());
    long low = inner.stream().mapToLong(v -> v[0]).min().orElseThrow();
    long high = inner.stream().mapToLong(v -> v[0]).max().orElseThrow();
    long[] surge = new long[2];
    long[] calm = new long[2];
    for (long[] v : inner) {
      long[] into = v[0] > 2 * low ? surge : calm;
      into[0] += v[0];
      into[1] += v[1];
    }

    assertThat(high).isGreaterThan(5 * low / 2);
    assertThat(surge[1] / (double) surge[0]).isCloseTo(ratio, offset(ratio * 0.2));
    assertThat(calm[1] / (double) calm[0]).isCloseTo(ratio, offset(ratio * 0.2));
  }

  @ParameterizedTest
  @ValueSource(longs = {3, 4})
  void shouldHoldCacheNearLimitWithoutTrendInCacheAtLimit(long seed) {
    SimulatedScenario s = Scenarios.generate("cache-at-limit", seed);
    List<MemorySample> cache = memory(s, "session-cache");

    assertThat(cache).allSatisfy(m -> assertThat(m.getUsedBytes() / (double) m.getMaxBytes()).isBetween(0.85, 0.999));
    TreeMap<Long, Double> means = dailyMean(cache, s.startMs());
    assertThat(Math.abs(means.lastEntry().getValue() - means.firstEntry().getValue())).isLessThan(0.03);
  }

  @ParameterizedTest
  @ValueSource(longs = {3, 4})
  void shouldRiseByDayAndFallByNightWithoutNetGrowthInDailyRhythm(long seed) {
    SimulatedScenario s = Scenarios.generate("daily-rhythm", seed);
    List<MemorySample> sessions = memory(s, "redis-sessions");
    TreeMap<Long, Double> min = dailyMinimum(sessions, s.startMs());
    long firstFullDay = min.firstKey() + 1;
    long lastFullDay = min.lastKey() - 1;

    assertThat(maxFraction(sessions, s.startMs(), s.endMs()) - min.get(firstFullDay)).isGreaterThan(0.1);
    assertThat(Math.abs(min.get(lastFullDay) - min.get(firstFullDay))).isLessThan(0.03);
  }

  @ParameterizedTest
  @ValueSource(longs = {3, 4})
  void shouldFillHeapSteeplyAndCollectItWithoutNetGrowthInGcSawtooth(long seed) {
    SimulatedScenario s = Scenarios.generate("gc-sawtooth", seed);
    List<MemorySample> heap = memory(s, "orders-jvm-heap");
    TreeMap<Long, Double> min = dailyMinimum(heap, s.startMs());

    assertThat(maxFraction(heap, s.startMs(), s.endMs())).isGreaterThan(0.75);
    assertThat(min.values()).allSatisfy(v -> assertThat(v).isLessThan(0.4));
    assertThat(Math.abs(min.lastEntry().getValue() - min.firstEntry().getValue())).isLessThan(0.03);
    assertThat(change(s, "CONFIG").getTarget()).isEqualTo("search-index");
  }

  // ---- reading the generated records

  private static Labels.Expectation expectation(SimulatedScenario s, CandidateType type, String subject) {
    return s.labels().expect().stream().filter(e -> e.type() == type && e.subject().equals(subject)).findFirst()
        .orElseThrow(() -> new AssertionError("no expectation " + type + " " + subject));
  }

  private static ChangeEvent change(SimulatedScenario s, String kind) {
    return s.records().stream().filter(r -> r instanceof ChangeEvent c && c.getKind().equals(kind))
        .map(r -> (ChangeEvent) r).findFirst().orElseThrow(() -> new AssertionError("no " + kind + " change"));
  }

  private static List<MemorySample> memory(SimulatedScenario s, String resource) {
    return s.records().stream().filter(r -> r instanceof MemorySample m && m.getResource().equals(resource))
        .map(r -> (MemorySample) r).toList();
  }

  private static List<ConnectionEvent> connections(SimulatedScenario s) {
    return s.records().stream().filter(r -> r instanceof ConnectionEvent).map(r -> (ConnectionEvent) r).toList();
  }

  private static List<RequestStats> requests(SimulatedScenario s, String service, long from, long to) {
    return s.records().stream().filter(r -> r instanceof RequestStats q && q.getService().equals(service)
        && q.getTs() >= from && q.getTs() < to).map(r -> (RequestStats) r).toList();
  }

  private static double errorRatio(SimulatedScenario s, String service, long from, long to) {
    List<RequestStats> stats = requests(s, service, from, to);
    long requests = stats.stream().mapToLong(RequestStats::getRequests).sum();
    long errors = stats.stream().mapToLong(RequestStats::getErrors).sum();
    assertThat(requests).as("requests of %s", service).isPositive();
    return errors / (double) requests;
  }

  private static double maxFraction(List<MemorySample> samples, long from, long to) {
    return samples.stream().filter(m -> m.getTs() >= from && m.getTs() < to)
        .mapToDouble(m -> m.getUsedBytes() / (double) m.getMaxBytes()).max().orElse(0);
  }

  private static TreeMap<Long, Double> dailyMinimum(List<MemorySample> samples, long start) {
    TreeMap<Long, Double> out = new TreeMap<>();
    for (MemorySample m : samples) {
      out.merge((m.getTs() - start) / DAY, m.getUsedBytes() / (double) m.getMaxBytes(), Math::min);
    }
    return out;
  }

  private static TreeMap<Long, Double> dailyMean(List<MemorySample> samples, long start) {
    TreeMap<Long, double[]> sums = new TreeMap<>();
    for (MemorySample m : samples) {
      double[] v = sums.computeIfAbsent((m.getTs() - start) / DAY, k -> new double[2]);
      v[0] += m.getUsedBytes() / (double) m.getMaxBytes();
      v[1]++;
    }
    TreeMap<Long, Double> out = new TreeMap<>();
    sums.forEach((day, v) -> out.put(day, v[0] / v[1]));
    return out;
  }

  private static Set<String> openers(SimulatedScenario s, String service, long from, long to) {
    Set<String> out = new HashSet<>();
    for (ConnectionEvent e : connections(s)) {
      if (e.getService().equals(service) && e.getEvent() == ConnectionEventKind.OPENED && e.getTs() >= from
          && e.getTs() < to) {
        out.add(e.getInstance());
      }
    }
    return out;
  }

  /** How many instances opened at least half of their pool within [from, to). */
  private static int wholePoolRecyclers(SimulatedScenario s, String service, int pool, long from, long to) {
    Map<String, Integer> opens = new HashMap<>();
    for (ConnectionEvent e : connections(s)) {
      if (e.getService().equals(service) && e.getEvent() == ConnectionEventKind.OPENED && e.getTs() >= from
          && e.getTs() < to) {
        opens.merge(e.getInstance(), e.getCount(), Integer::sum);
      }
    }
    return (int) opens.values().stream().filter(n -> 2 * n >= pool).count();
  }

  /**
   * The most instances that, within one 5-second window (two offsets), opened at least half of their
   * pool: a whole pool recycling at once, the mark of synchronised recycling.
   */
  private static int mostWholePoolRecyclersIn5s(SimulatedScenario s, String service, int pool, long from, long to) {
    int most = 0;
    for (long offset : new long[] {0, 2_500}) {
      Map<Long, Map<String, Integer>> windows = new HashMap<>();
      for (ConnectionEvent e : connections(s)) {
        if (e.getService().equals(service) && e.getEvent() == ConnectionEventKind.OPENED && e.getTs() >= from
            && e.getTs() < to) {
          windows.computeIfAbsent((e.getTs() + offset) / 5_000, k -> new HashMap<>())
              .merge(e.getInstance(), e.getCount(), Integer::sum);
        }
      }
      for (Map<String, Integer> w : windows.values()) {
        most = Math.max(most, (int) w.values().stream().filter(n -> 2 * n >= pool).count());
      }
    }
    return most;
  }
}

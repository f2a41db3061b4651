package dev.foreshock.detect.memory;

import static dev.foreshock.detect.memory.MemoryScenario.GB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.Severity;
import dev.foreshock.detect.CandidateSignal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryAnalyzerTest {

  private static final Instant BASE = Instant.parse("2025-08-29T06:00:00Z");

  // Re-sends off: these tests count the signals that carry news (re-sends have their own test).
  private final MemoryAnalyzer analyzer = new MemoryAnalyzer(MemorySettings.from(
      dev.foreshock.config.SettingsSource.of(java.util.Map.of("memory.growth.resend", "0"))));
  private final List<MemoryWindow> windows = new ArrayList<>();
  private final List<MemoryTrendView> views = new ArrayList<>();
  private final List<CandidateSignal> signals = new ArrayList<>();
  private final MemoryAnalyzer.Sink sink = new MemoryAnalyzer.Sink() {
    @Override
    public void window(MemoryWindow window) {
      windows.add(window);
    }

    @Override
    public void trends(MemoryTrendView view) {
      views.add(view);
    }

    @Override
    public void signal(CandidateSignal signal) {
      signals.add(signal);
    }
  };

  private boolean observe(MemorySeries s, Instant ts, String host, double used, double limit) {
    return analyzer.observe(s, ts.toEpochMilli(), host, (long) used, (long) limit, sink);
  }

  private void replay(MemorySeries s, MemoryScenario scenario) {
    for (MemorySample m : scenario.samples()) {
      analyzer.observe(s, m.getTs(), m.getHost(), m.getUsedBytes(), m.getMaxBytes() == null ? 0 : m.getMaxBytes(),
          sink);
    }
  }

  @Test
  void shouldSizeHorizonBucketsInWholeWindows() {
    MemorySeries s = analyzer.newSeries("redis-queue");

    assertThat(s.horizons).extracting(h -> h.bucketMs).containsExactly(60_000L, 1_080_000L, 7_200_000L);
    assertThat(s.horizons).extracting(h -> h.ring.capacity()).containsExactly(60, 80, 84);
  }

  @Test
  void shouldSummariseEachWindowWithMinMaxMeanLastAndCount() {
    MemorySeries s = analyzer.newSeries("redis-queue");
    observe(s, BASE.plusSeconds(5), "r1", 1.0 * GB, 3 * GB);
    observe(s, BASE.plusSeconds(25), "r1", 1.6 * GB, 3 * GB);
    observe(s, BASE.plusSeconds(45), "r1", 1.3 * GB, 3 * GB);
    assertThat(windows).isEmpty();

    observe(s, BASE.plusSeconds(65), "r1", 1.2 * GB, 3 * GB);

    assertThat(windows).hasSize(1);
    MemoryWindow w = windows.get(0);
    assertThat(w.resource()).isEqualTo("redis-queue");
    assertThat(w.windowStart()).isEqualTo(BASE.toEpochMilli());
    assertThat(w.windowEnd()).isEqualTo(BASE.plusSeconds(60).toEpochMilli());
    assertThat(w.minUsedBytes()).isEqualTo(GB);
    assertThat(w.maxUsedBytes()).isEqualTo((long) (1.6 * GB));
    assertThat(w.meanUsedBytes()).isCloseTo(1.3 * GB, within(1.0));
    assertThat(w.lastUsedBytes()).isEqualTo((long) (1.3 * GB));
    assertThat(w.samples()).isEqualTo(3);
    assertThat(w.limitBytes()).isEqualTo(3 * GB);
  }

  @Test
  void shouldDropSampleOlderThanOpenWindow() {
    MemorySeries s = analyzer.newSeries("redis-queue");
    assertThat(observe(s, BASE.plusSeconds(70), "r1", GB, 3 * GB)).isTrue();

    assertThat(observe(s, BASE.plusSeconds(59), "r1", 2 * GB, 3 * GB)).isFalse();
    assertThat(observe(s, BASE.plusSeconds(61), "r1", 2 * GB, 3 * GB)).isTrue();
  }

  @Test
  void shouldFollowFullestHostAndForgetHostThatWentSilent() {
    MemorySeries s = analyzer.newSeries("redis-cluster");
    observe(s, BASE, "shard-a", 1 * GB, 2 * GB);
    observe(s, BASE.plusSeconds(1), "shard-b", 3 * GB, 4 * GB);
    assertThat(s.lastUsed).isCloseTo(3.0 * GB, within(1.0));
    assertThat(s.limit).isEqualTo(4 * GB);

    observe(s, BASE.plusSeconds(10), "shard-a", 1.8 * GB, 2 * GB);
    assertThat(s.lastUsed).isCloseTo(1.8 * GB, within(1.0));
    assertThat(s.limit).isEqualTo(2 * GB);

    observe(s, BASE.plusSeconds(20), "shard-b", 3.9 * GB, 4 * GB);
    observe(s, BASE.plusSeconds(20 + 301), "shard-a", 0.5 * GB, 2 * GB);
    assertThat(s.hosts).containsOnlyKeys("shard-a");
    assertThat(s.lastUsed).isCloseTo(0.5 * GB, within(1.0));
  }

  @Test
  void shouldRaiseRapidRiseOnceAndClearItWhenMemoryFallsBackAfterRestart() {
    MemorySeries s = analyzer.newSeries("redis-queue");
    Instant t = BASE;
    for (; t.isBefore(BASE.plus(Duration.ofMinutes(30))); t = t.plusSeconds(10)) {
      observe(s, t, "r1", 1.0 * GB + (t.getEpochSecond() % 70) * 1e6, 3 * GB);
    }
    Instant onset = t;
    for (int i = 1; i <= 9; i++, t = t.plusSeconds(10)) {
      observe(s, t, "r1", Math.min(3.0 * GB, 1.0 * GB + i * 0.25 * GB), 3 * GB);
    }
    for (int i = 0; i < 12; i++, t = t.plusSeconds(10)) {
      observe(s, t, "r1", 3.0 * GB, 3 * GB);
    }
    assertThat(signals).hasSize(1);
    CandidateSignal raised = signals.get(0);
    assertThat(raised.type()).isEqualTo(CandidateType.MEMORY_RAPID_RISE);
    assertThat(raised.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(raised.ts() - onset.toEpochMilli()).isBetween(0L, 60_000L);
    assertThat(raised.onsetTs()).isBetween(onset.minusSeconds(10).toEpochMilli(), onset.toEpochMilli());
    assertThat(raised.summary()).startsWith("redis-queue memory climbs").contains("3.0 GB");

    observe(s, t, "r1", 0.9 * GB, 3 * GB);

    assertThat(signals).hasSize(2);
    assertThat(signals.get(1).isActive()).isFalse();
    assertThat(signals.get(1).type()).isEqualTo(CandidateType.MEMORY_RAPID_RISE);
  }

  @Test
  void shouldNotRaiseRapidRiseWithoutHistoryOrWithoutLimit() {
    MemorySeries fresh = analyzer.newSeries("fresh");
    MemorySeries unbounded = analyzer.newSeries("unbounded");
    Instant t = BASE;
    for (int i = 0; i < 60; i++, t = t.plusSeconds(10)) {
      observe(unbounded, t, "u", 1.0 * GB, 0);
    }
    for (int i = 1; i <= 9; i++, t = t.plusSeconds(10)) {
      observe(fresh, t, "f", 1.0 * GB + i * 0.25 * GB, 3 * GB);
      observe(unbounded, t, "u", 1.0 * GB + i * 0.25 * GB, 0);
    }

    assertThat(signals).isEmpty();
  }

  @Test
  void shouldClearGrowthWhenTheLeakIsFixed() {
    MemoryScenario leak = new MemoryScenario("jobs-redis", 6 * GB, 97, BASE);
    leak.length = Duration.ofDays(9);
    leak.interval = Duration.ofSeconds(60);
    leak.base = 1.5 * GB;
    leak.noise = 0.03 * GB;
    leak.sawAmplitude = 0.2 * GB;
    leak.leakOnset = BASE.plus(Duration.ofDays(2));
    leak.leakPerSecond = 0.6 * GB / 86_400;
    MemoryScenario fixed = new MemoryScenario("jobs-redis", 6 * GB, 98, BASE.plus(Duration.ofDays(9)));
    fixed.length = Duration.ofDays(5);
    fixed.interval = Duration.ofSeconds(60);
    fixed.base = 1.5 * GB + 7 * 0.6 * GB;
    fixed.noise = 0.03 * GB;
    fixed.sawAmplitude = 0.2 * GB;
    MemorySeries s = analyzer.newSeries("jobs-redis");

    replay(s, leak);
    assertThat(signals).isNotEmpty();
    assertThat(signals.get(signals.size() - 1).isActive()).isTrue();
    assertThat(s.growthSeverity).isNotNull();

    replay(s, fixed);

    CandidateSignal last = signals.get(signals.size() - 1);
    assertThat(last.isActive()).isFalse();
    assertThat(last.type()).isEqualTo(CandidateType.MEMORY_GROWTH);
    assertThat(Instant.ofEpochMilli(last.ts())).isBetween(fixed.start, fixed.start.plus(Duration.ofDays(4)));
    assertThat(views.get(views.size() - 1).growthSeverity()).isNull();
  }

  @Test
  void shouldReEmitGrowthOnlyWhenSeverityOrProjectionChangesMaterially() {
    MemoryScenario leak = jobsRedisLeak();
    MemorySeries s = analyzer.newSeries("jobs-redis");

    replay(s, leak);

    List<CandidateSignal> active = signals.stream().filter(CandidateSignal::isActive).toList();
    assertThat(active).isNotEmpty().hasSizeLessThan(12);
    for (int i = 1; i < active.size(); i++) {
      CandidateSignal before = active.get(i - 1);
      CandidateSignal now = active.get(i);
      double exhaustBefore = before.ts() / 1000.0 + before.evidence().get("secondsToExhaustion");
      double exhaustNow = now.ts() / 1000.0 + now.evidence().get("secondsToExhaustion");
      double left = Math.max(12 * 3600, exhaustBefore - now.ts() / 1000.0);
      assertThat(now.severity() != before.severity() || Math.abs(exhaustNow - exhaustBefore) >= 0.25 * left)
          .as("signal %d re-emitted without material change", i).isTrue();
    }
  }

  @Test
  void shouldReSendActiveGrowthAtLeastEveryResendIntervalWithDefaultSettings() {
    MemoryAnalyzer resending = new MemoryAnalyzer(MemorySettings.defaults());
    MemoryScenario leak = jobsRedisLeak();
    MemorySeries s = resending.newSeries("jobs-redis");

    for (MemorySample m : leak.samples()) {
      resending.observe(s, m.getTs(), m.getHost(), m.getUsedBytes(), m.getMaxBytes() == null ? 0 : m.getMaxBytes(),
          sink);
    }

    List<CandidateSignal> active = signals.stream().filter(CandidateSignal::isActive).toList();
    assertThat(active).hasSizeGreaterThan(12);
    long resend = MemorySettings.defaults().growthResend().toMillis();
    long judgeEvery = s.horizons.get(s.horizons.size() - 1).bucketMs;
    for (int i = 1; i < active.size(); i++) {
      // judged once per bucket of the longest horizon: a re-send comes at the first judgement after the interval
      assertThat(active.get(i).ts() - active.get(i - 1).ts()).isLessThanOrEqualTo(resend + judgeEvery);
    }
  }

  /** Ten days of a 12 GB Redis under sawtooth and daily rhythm, leaking 1.2 GB/day from day 2. */
  private static MemoryScenario jobsRedisLeak() {
    MemoryScenario leak = new MemoryScenario("jobs-redis", 12 * GB, 5, BASE);
    leak.length = Duration.ofDays(10);
    leak.interval = Duration.ofSeconds(60);
    leak.base = 2 * GB;
    leak.noise = 0.05 * GB;
    leak.sawAmplitude = 0.3 * GB;
    leak.dailyAmplitude = 0.2 * GB;
    leak.leakOnset = BASE.plus(Duration.ofDays(2));
    leak.leakPerSecond = 1.2 * GB / 86_400;
    return leak;
  }

  static java.util.stream.Stream<MemoryScenario> fastSampledQuietScenarios() {
    Instant start = BASE;
    MemoryScenario gc = new MemoryScenario("payments-jvm-heap", 4 * GB, 101, start);
    gc.length = Duration.ofDays(2);
    gc.interval = Duration.ofSeconds(10);
    gc.base = 0.8 * GB;
    gc.sawAmplitude = 2.9 * GB;
    gc.sawPeriod = Duration.ofSeconds(100);
    gc.noise = 0.03 * GB;
    MemoryScenario cache = new MemoryScenario("session-cache", 1 * GB, 102, start);
    cache.length = Duration.ofDays(2);
    cache.interval = Duration.ofSeconds(5);
    cache.base = 1.1 * GB;
    cache.ceiling = 0.95 * GB;
    cache.noise = 0.02 * GB;
    MemoryScenario step = new MemoryScenario("search-redis", 8 * GB, 103, start);
    step.length = Duration.ofDays(2);
    step.interval = Duration.ofSeconds(10);
    step.base = 3 * GB;
    step.noise = 0.05 * GB;
    step.stepAt = start.plus(Duration.ofHours(20));
    step.step = 3.5 * GB;
    MemoryScenario daily = new MemoryScenario("catalog-redis", 2 * GB, 104, start);
    daily.length = Duration.ofDays(2);
    daily.interval = Duration.ofSeconds(10);
    daily.base = 1.1 * GB;
    daily.dailyAmplitude = 0.6 * GB;
    daily.noise = 0.04 * GB;
    return java.util.stream.Stream.of(gc, cache, step, daily);
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.MethodSource("fastSampledQuietScenarios")
  void shouldRaiseNoRapidRiseWhenSampledEveryFewSecondsWithoutARealClimb(MemoryScenario scenario) {
    MemorySeries s = analyzer.newSeries(scenario.resource);

    replay(s, scenario);

    assertThat(signals).as(scenario.resource).isEmpty();
  }

  @Test
  void shouldTakeSteepGcClimbForRapidRiseOnlyWhenHistoryIsIgnored() {
    MemoryScenario gc = fastSampledQuietScenarios().findFirst().orElseThrow();
    MemorySettings noHistory = MemorySettings.from(dev.foreshock.config.SettingsSource.of(java.util.Map.of(
        "memory.rapid.breakout", "0", "memory.rapid.history", "5m")));
    MemoryAnalyzer naive = new MemoryAnalyzer(noHistory);
    MemorySeries s = naive.newSeries(gc.resource);

    for (MemorySample m : gc.samples()) {
      naive.observe(s, m.getTs(), m.getHost(), m.getUsedBytes(), m.getMaxBytes(), sink);
    }

    assertThat(signals).as("a steep sawtooth projects the limit minutes away on every climb")
        .anyMatch(x -> x.type() == CandidateType.MEMORY_RAPID_RISE && x.isActive());
  }

  @Test
  void shouldContinueIdenticallyWhenStateIsRestoredFromItsJsonMidway() {
    MemoryScenario leak = new MemoryScenario("jobs-redis", 10 * GB, 77, BASE);
    leak.length = Duration.ofDays(6);
    leak.interval = Duration.ofSeconds(60);
    leak.hosts = new String[] {"primary", "replica"};
    leak.base = 3 * GB;
    leak.noise = 0.05 * GB;
    leak.sawAmplitude = 0.4 * GB;
    leak.leakOnset = BASE.plus(Duration.ofDays(1));
    leak.leakPerSecond = 1.5 * GB / 86_400;
    List<MemorySample> samples = leak.samples();
    dev.foreshock.json.JsonSerde<MemorySeries> serde = new dev.foreshock.json.JsonSerde<>(MemorySeries.class);

    MemorySeries straight = analyzer.newSeries("jobs-redis");
    for (MemorySample m : samples) {
      analyzer.observe(straight, m.getTs(), m.getHost(), m.getUsedBytes(), m.getMaxBytes(), sink);
    }
    List<CandidateSignal> uninterrupted = new ArrayList<>(signals);
    signals.clear();

    MemorySeries restored = analyzer.newSeries("jobs-redis");
    int half = samples.size() / 2;
    for (int i = 0; i < samples.size(); i++) {
      if (i == half) {
        restored = serde.deserializer().deserialize("t", serde.serializer().serialize("t", restored));
      }
      MemorySample m = samples.get(i);
      analyzer.observe(restored, m.getTs(), m.getHost(), m.getUsedBytes(), m.getMaxBytes(), sink);
    }

    assertThat(uninterrupted).isNotEmpty();
    assertThat(signals).isEqualTo(uninterrupted);
  }

  @Test
  void shouldGiveSeveralDaysOfWarningWhenRedisFillsOverThreeWeeksAsInTheSeed() {
    Instant start = Instant.parse("2022-11-01T00:00:00Z");
    MemoryScenario seed = new MemoryScenario("redis-main", 3 * GB, 2022, start);
    seed.length = Duration.ofDays(21);
    seed.interval = Duration.ofSeconds(60);
    seed.base = 0.6 * GB;
    seed.noise = 0.02 * GB;
    seed.sawAmplitude = 0.2 * GB;
    seed.sawPeriod = Duration.ofMinutes(15);
    seed.dailyAmplitude = 0.1 * GB;
    seed.leakOnset = start.plus(Duration.ofDays(3));
    seed.leakPerSecond = 0.15 * GB / 86_400;
    MemorySeries s = analyzer.newSeries("redis-main");

    replay(s, seed);

    assertThat(seed.exhaustedAt).isNotNull();
    List<CandidateSignal> active = signals.stream().filter(CandidateSignal::isActive).toList();
    assertThat(active).isNotEmpty();
    CandidateSignal first = active.get(0);
    assertThat(first.severity()).isEqualTo(Severity.WARNING);
    assertThat(Instant.ofEpochMilli(first.ts())).isBetween(seed.leakOnset, seed.leakOnset.plus(Duration.ofHours(72)));
    CandidateSignal critical = active.stream().filter(x -> x.severity() == Severity.CRITICAL).findFirst().orElseThrow();
    double truth = (seed.exhaustedAt.toEpochMilli() - critical.ts()) / 1000.0;
    assertThat(truth).isGreaterThanOrEqualTo(48 * 3600);
    assertThat(critical.evidence().get("secondsToExhaustion")).isCloseTo(truth, within(0.2 * truth));
    assertThat(active.stream().filter(x -> x.evidence().get("secondsToExhaustion") < 60).count()).isLessThanOrEqualTo(1);
  }

  @Test
  void shouldReportGrowthWithHoursLeftWhenLeakFillsResourceWithinHalfADay() {
    MemoryScenario leak = new MemoryScenario("orders-redis", 8 * GB, 404, BASE);
    leak.length = Duration.ofDays(3);
    leak.interval = Duration.ofSeconds(30);
    leak.base = 3.2 * GB;
    leak.noise = 0.04 * GB;
    leak.sawAmplitude = 0.2 * GB;
    leak.sawPeriod = Duration.ofMinutes(10);
    leak.dailyAmplitude = 0.5 * GB;
    leak.leakOnset = BASE.plus(Duration.ofDays(2)).plus(Duration.ofHours(3));
    leak.leakPerSecond = 0.45 * GB / 3600;
    MemorySeries s = analyzer.newSeries("orders-redis");

    replay(s, leak);

    assertThat(leak.exhaustedAt).isNotNull();
    CandidateSignal first = signals.stream().filter(CandidateSignal::isActive).findFirst().orElseThrow();
    assertThat(first.type()).isEqualTo(CandidateType.MEMORY_GROWTH);
    assertThat(first.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(first.evidence().get("horizonSeconds")).isEqualTo(3600.0);
    double truth = (leak.exhaustedAt.toEpochMilli() - first.ts()) / 1000.0;
    assertThat(truth).isGreaterThan(4 * 3600);
    assertThat(first.evidence().get("secondsToExhaustion")).isCloseTo(truth, within(0.3 * truth));
    assertThat(first.evidence().get("slopeBytesPerSecond")).isCloseTo(leak.leakPerSecond, within(0.2 * leak.leakPerSecond));
    assertThat(Instant.ofEpochMilli(first.ts())).isBefore(leak.leakOnset.plus(Duration.ofHours(3)));
    assertThat(signals.stream().filter(CandidateSignal::isActive).map(CandidateSignal::severity))
        .as("no flapping between the fast and the daily judgement").containsOnly(Severity.CRITICAL);
  }

  @Test
  void shouldRefuseStateBuiltWithOtherHorizons() {
    MemoryAnalyzer weekly = new MemoryAnalyzer(MemorySettings.from(dev.foreshock.config.SettingsSource.of(
        java.util.Map.of("memory.horizons", "6h,14d"))));

    assertThat(analyzer.fits(analyzer.newSeries("a"))).isTrue();
    assertThat(analyzer.fits(weekly.newSeries("a"))).isFalse();
    assertThat(weekly.fits(analyzer.newSeries("a"))).isFalse();
    assertThat(analyzer.adopt(weekly.newSeries("a"))).isNull();
  }

  @Test
  void shouldKeepTheHistoryWhenStateWasWrittenBeforeBucketsKeptTheirSpread() {
    MemorySeries s = analyzer.newSeries("queue-7");
    java.util.Random random = new java.util.Random(23);
    for (int i = 0; i < 3 * 24 * 60; i++) { // three days, one sample a minute, a slow leak with noise
      observe(s, BASE.plusSeconds(60L * i), "q7", 2.0 * GB + i * 0.05e6 + random.nextGaussian() * 20e6, 6 * GB);
    }
    MemorySeries.HorizonState judging = s.horizons.get(s.horizons.size() - 1);
    int buckets = judging.ring.size;
    assertThat(buckets).isGreaterThan(30);
    judging.ring.sd = null; // as the previous version wrote it
    judging.evicted = null;
    dev.foreshock.json.JsonSerde<MemorySeries> serde = new dev.foreshock.json.JsonSerde<>(MemorySeries.class);
    MemorySeries stored = serde.deserializer().deserialize("t", serde.serializer().serialize("t", s));

    MemorySeries adopted = analyzer.adopt(stored);

    assertThat(adopted).isNotNull();
    MemorySeries.Ring ring = adopted.horizons.get(adopted.horizons.size() - 1).ring;
    assertThat(ring.size).isEqualTo(buckets);
    for (int i = 0; i < ring.size; i++) {
      int k = ring.slot(i);
      assertThat(Math.min(ring.max[k], ring.mean[k] + Math.sqrt(3) * ring.sd[k])).isCloseTo(ring.max[k], within(1.0));
    }
    assertThat(observe(adopted, BASE.plusSeconds(60L * 3 * 24 * 60), "q7", 2.3 * GB, 6 * GB)).isTrue();
  }
}

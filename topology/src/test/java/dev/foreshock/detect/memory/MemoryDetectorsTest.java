package dev.foreshock.detect.memory;

import static dev.foreshock.detect.memory.MemoryScenario.GB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.foreshock.StoreNames;
import dev.foreshock.avro.CandidateStatus;
import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.Severity;
import dev.foreshock.backtest.OfflinePipeline;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.config.SettingsSource;
import dev.foreshock.json.JsonSerde;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MemoryDetectorsTest {

  private static final Instant BASE = Instant.parse("2025-11-02T00:00:00Z");
  private static final double DAY = 86_400;

  @TempDir Path stateDir;

  private OfflinePipeline pipeline(MemoryScenario scenario) {
    Instant after = scenario.start.plus(scenario.length).plus(Duration.ofHours(1));
    return new OfflinePipeline(ForeshockSettings.defaults(), Clock.fixed(after, ZoneOffset.UTC), BASE, stateDir);
  }

  private static List<IncidentCandidate> run(OfflinePipeline pipeline, List<MemorySample> samples) {
    samples.forEach(pipeline::pipe);
    return pipeline.drainCandidates();
  }

  private static List<IncidentCandidate> ofType(List<IncidentCandidate> all, CandidateType type) {
    return all.stream().filter(c -> c.getType() == type).toList();
  }

  private static List<IncidentCandidate> atLeastWarning(List<IncidentCandidate> all) {
    return all.stream().filter(c -> c.getStatus() != CandidateStatus.RESOLVED)
        .filter(c -> c.getSeverity() == Severity.WARNING || c.getSeverity() == Severity.CRITICAL).toList();
  }

  @Test
  void shouldWarnWithinTwoDaysAndGoCriticalTwoDaysAheadWhenSlowLeakRunsUnderSawtoothAndDailyRhythm() {
    MemoryScenario leak = new MemoryScenario("redis-queue", 3 * GB, 11, BASE);
    leak.length = Duration.ofDays(11);
    leak.interval = Duration.ofSeconds(60);
    leak.base = 1.0 * GB;
    leak.noise = 0.02 * GB;
    leak.sawAmplitude = 0.15 * GB;
    leak.sawPeriod = Duration.ofMinutes(20);
    leak.dailyAmplitude = 0.1 * GB;
    leak.leakOnset = BASE.plus(Duration.ofDays(3));
    leak.leakPerSecond = 0.25 * GB / DAY;
    List<MemorySample> samples = leak.samples();

    List<IncidentCandidate> growth;
    try (OfflinePipeline pipeline = pipeline(leak)) {
      growth = ofType(run(pipeline, samples), CandidateType.MEMORY_GROWTH);
    }

    assertThat(leak.exhaustedAt).isNotNull();
    assertThat(growth).isNotEmpty();
    IncidentCandidate first = growth.get(0);
    assertThat(first.getStatus()).isEqualTo(CandidateStatus.OPEN);
    assertThat(first.getSubject()).isEqualTo("redis-queue");
    assertThat(first.getSeverity()).isEqualTo(Severity.WARNING);
    assertThat(Instant.ofEpochMilli(first.getTs()))
        .isAfter(leak.leakOnset)
        .isBefore(leak.leakOnset.plus(Duration.ofHours(48)));
    assertThat(first.getEvidence()).containsOnlyKeys("slopeBytesPerSecond", "r2", "secondsToExhaustion",
        "usedFraction", "horizonSeconds", "onsetTs");
    assertThat(first.getEvidence().get("horizonSeconds")).isEqualTo(7 * DAY);
    assertThat(first.getEvidence().get("onsetTs"))
        .isCloseTo((double) leak.leakOnset.toEpochMilli(), within(12 * 3_600_000.0));
    assertThat(first.getSummary()).startsWith("redis-queue memory grows").contains("under its sawtooth")
        .contains("of 3.0 GB").contains("Find what stopped deleting");

    IncidentCandidate critical = growth.stream().filter(c -> c.getSeverity() == Severity.CRITICAL).findFirst()
        .orElseThrow();
    double trueSecondsLeft = (leak.exhaustedAt.toEpochMilli() - critical.getTs()) / 1000.0;
    assertThat(trueSecondsLeft).isGreaterThanOrEqualTo(48 * 3600);
    assertThat(critical.getEvidence().get("secondsToExhaustion")).isCloseTo(trueSecondsLeft,
        within(0.2 * trueSecondsLeft));
    assertThat(critical.getEvidence().get("slopeBytesPerSecond"))
        .isCloseTo(leak.leakPerSecond, within(0.2 * leak.leakPerSecond));
    assertThat(critical.getEvidence().get("r2")).isGreaterThan(0.8);
    assertThat(growth).noneMatch(c -> c.getStatus() == CandidateStatus.RESOLVED);
  }

  @Test
  void shouldProjectExhaustionWithinTwentyPercentWhenFastLeakOnTwoReplicasHasRunForDays() {
    MemoryScenario leak = new MemoryScenario("session-cache", 16 * GB, 23, BASE);
    leak.length = Duration.ofDays(7);
    leak.interval = Duration.ofSeconds(30);
    leak.hosts = new String[] {"cache-a", "cache-b"};
    leak.base = 5.0 * GB;
    leak.noise = 0.08 * GB;
    leak.sawAmplitude = 0.8 * GB;
    leak.sawPeriod = Duration.ofMinutes(90);
    leak.dailyAmplitude = 0.3 * GB;
    leak.leakOnset = BASE.plus(Duration.ofDays(2)).plus(Duration.ofHours(7));
    leak.leakPerSecond = 2.5 * GB / DAY;
    List<MemorySample> samples = leak.samples();
    assertThat(leak.exhaustedAt).isNotNull();

    List<IncidentCandidate> growth = new ArrayList<>();
    List<Double> relativeErrors = new ArrayList<>();
    try (OfflinePipeline pipeline = pipeline(leak)) {
      KeyValueStore<String, MemoryTrendView> trends = pipeline.driver().getKeyValueStore(StoreNames.MEMORY_TRENDS);
      Instant checkpoint = leak.leakOnset.plus(Duration.ofDays(2));
      for (MemorySample m : samples) {
        pipeline.pipe(m);
        if (m.getTs() >= checkpoint.toEpochMilli()) {
          double truth = (leak.exhaustedAt.toEpochMilli() - m.getTs()) / 1000.0;
          if (truth >= 24 * 3600) {
            HorizonTrend judged = trends.get("session-cache").horizons().stream().filter(HorizonTrend::judged)
                .findFirst().orElseThrow();
            relativeErrors.add(Math.abs(judged.secondsToExhaustion() - truth) / truth);
          }
          checkpoint = checkpoint.plus(Duration.ofHours(6));
        }
      }
      growth.addAll(ofType(pipeline.drainCandidates(), CandidateType.MEMORY_GROWTH));

      WindowStore<String, MemoryWindow> windows = pipeline.driver().getWindowStore(StoreNames.MEMORY_WINDOWS);
      long lastHour = leak.start.plus(leak.length).minus(Duration.ofHours(1)).toEpochMilli();
      List<MemoryWindow> recent = new ArrayList<>();
      try (WindowStoreIterator<MemoryWindow> it = windows.fetch("session-cache", lastHour, lastHour + 3_600_000)) {
        it.forEachRemaining((KeyValue<Long, MemoryWindow> kv) -> recent.add(kv.value));
      }
      assertThat(recent).hasSizeBetween(58, 61);
      assertThat(recent).allSatisfy(w -> {
        assertThat(w.samples()).isBetween(1L, 3L);
        assertThat((double) w.minUsedBytes()).isLessThanOrEqualTo(w.meanUsedBytes());
        assertThat(w.meanUsedBytes()).isLessThanOrEqualTo(w.maxUsedBytes());
        assertThat(w.limitBytes()).isEqualTo(16 * GB);
      });
    }

    assertThat(relativeErrors).hasSizeGreaterThanOrEqualTo(3).allSatisfy(e -> assertThat(e).isLessThan(0.2));
    IncidentCandidate first = growth.get(0);
    assertThat(first.getSeverity()).isIn(Severity.WARNING, Severity.CRITICAL);
    assertThat(Instant.ofEpochMilli(first.getTs())).isBefore(leak.leakOnset.plus(Duration.ofHours(48)));
    IncidentCandidate critical = growth.stream().filter(c -> c.getSeverity() == Severity.CRITICAL).findFirst()
        .orElseThrow();
    assertThat(leak.exhaustedAt.toEpochMilli() - critical.getTs()).isGreaterThanOrEqualTo(48 * 3_600_000L);
  }

  @Test
  void shouldFlagRapidRiseCriticalWithinTwoMinutesWhenQueueClimbsToLimitAfterDeploy() {
    MemoryScenario queue = new MemoryScenario("redis-queue", 3 * GB, 7, BASE);
    queue.length = Duration.ofHours(4);
    queue.interval = Duration.ofSeconds(10);
    queue.base = 1.1 * GB;
    queue.noise = 0.02 * GB;
    queue.sawAmplitude = 0.1 * GB;
    queue.sawPeriod = Duration.ofMinutes(5);
    queue.climbOnset = BASE.plus(Duration.ofHours(3)).plusSeconds(17);
    queue.climbTo = 3.3 * GB;
    queue.climbLength = Duration.ofSeconds(80);

    List<IncidentCandidate> all;
    try (OfflinePipeline pipeline = pipeline(queue)) {
      all = run(pipeline, queue.samples());
    }

    List<IncidentCandidate> rapid = ofType(all, CandidateType.MEMORY_RAPID_RISE);
    assertThat(rapid).isNotEmpty();
    IncidentCandidate first = rapid.get(0);
    assertThat(first.getSeverity()).isEqualTo(Severity.CRITICAL);
    assertThat(first.getStatus()).isEqualTo(CandidateStatus.OPEN);
    assertThat(first.getSubject()).isEqualTo("redis-queue");
    assertThat(first.getTs() - queue.climbOnset.toEpochMilli()).isBetween(0L, 120_000L);
    assertThat(first.getEvidence()).containsOnlyKeys("slopeBytesPerSecond", "secondsToExhaustion", "usedFraction");
    assertThat(first.getEvidence().get("secondsToExhaustion")).isLessThan(300);
    assertThat(first.getEvidence().get("usedFraction")).isBetween(0.4, 1.0);
    assertThat(first.getEvidence().get("slopeBytesPerSecond")).isGreaterThan(0.1 * GB / 60);
    assertThat(atLeastWarning(ofType(all, CandidateType.MEMORY_GROWTH))).isEmpty();
  }

  @Test
  void shouldFlagRapidRiseWithinTwoMinutesWhenLargeInstanceClimbsInOneMinuteSampledEveryFifteenSeconds() {
    MemoryScenario big = new MemoryScenario("redis-events", 64 * GB, 5, BASE);
    big.length = Duration.ofHours(2);
    big.interval = Duration.ofSeconds(15);
    big.base = 24 * GB;
    big.noise = 0.4 * GB;
    big.dailyAmplitude = 4 * GB;
    big.climbOnset = BASE.plus(Duration.ofMinutes(80));
    big.climbTo = 70 * GB;
    big.climbLength = Duration.ofSeconds(60);

    List<IncidentCandidate> rapid;
    try (OfflinePipeline pipeline = pipeline(big)) {
      rapid = ofType(run(pipeline, big.samples()), CandidateType.MEMORY_RAPID_RISE);
    }

    assertThat(rapid).isNotEmpty();
    assertThat(rapid.get(0).getSeverity()).isEqualTo(Severity.CRITICAL);
    assertThat(rapid.get(0).getTs() - big.climbOnset.toEpochMilli()).isBetween(0L, 120_000L);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      // resource, limit GB, seed, hours to fill, noise, sawtooth, sawtooth min, daily, sampling s
      "jobs-redis, 8, 61, 8, 0.008, 0.08, 15, 0.05, 20",
      "session-cache, 4, 62, 6, 0.01, 0.05, 10, 0.05, 30",
      "search-heap, 12, 63, 10, 0.006, 0.03, 5, 0.04, 15"})
  void shouldFlagLeakThatFillsResourceWithinHoursLessThanTwoHoursAfterItsOnset(String resource, long limitGb,
      long seed, double fillHours, double noise, double saw, int sawMinutes, double daily, int samplingSeconds) {
    MemoryScenario leak = new MemoryScenario(resource, limitGb * GB, seed, BASE);
    leak.interval = Duration.ofSeconds(samplingSeconds);
    leak.base = 0.35 * leak.limit;
    leak.noise = noise * leak.limit;
    leak.sawAmplitude = saw * leak.limit;
    leak.sawPeriod = Duration.ofMinutes(sawMinutes);
    leak.dailyAmplitude = daily * leak.limit;
    leak.leakOnset = BASE.plus(Duration.ofHours(26)).plusSeconds(seed * 37);
    leak.leakPerSecond = (1 - 0.35 - saw - daily) * leak.limit / (fillHours * 3600);
    leak.length = Duration.ofHours(26).plus(Duration.ofMinutes((long) (fillHours * 60) + 180));
    List<MemorySample> samples = leak.samples();
    assertThat(leak.exhaustedAt).as("the leak fills the resource within the run").isNotNull();
    long onset = leak.leakOnset.toEpochMilli();
    long exhausted = leak.exhaustedAt.toEpochMilli();
    assertThat(exhausted - onset).isBetween(5 * 3_600_000L, 11 * 3_600_000L);

    List<IncidentCandidate> growth;
    try (OfflinePipeline pipeline = pipeline(leak)) {
      growth = atLeastWarning(ofType(run(pipeline, samples), CandidateType.MEMORY_GROWTH));
    }

    assertThat(growth).isNotEmpty();
    IncidentCandidate first = growth.get(0);
    assertThat(first.getSubject()).isEqualTo(resource);
    assertThat(first.getTs() - onset).isBetween(0L, 2 * 3_600_000L);
    assertThat(first.getSeverity()).isEqualTo(Severity.CRITICAL);
    assertThat(first.getEvidence().get("horizonSeconds")).isEqualTo(3600.0);
    double trueSecondsLeft = (exhausted - first.getTs()) / 1000.0;
    assertThat(trueSecondsLeft).isGreaterThan(0.6 * fillHours * 3600);
    assertThat(first.getEvidence().get("secondsToExhaustion")).isCloseTo(trueSecondsLeft,
        within(0.3 * trueSecondsLeft));
  }

  @Test
  void shouldStayQuietWhenCacheIsHeldNearItsLimitByEviction() {
    MemoryScenario cache = new MemoryScenario("product-cache", 4 * GB, 3, BASE);
    cache.length = Duration.ofDays(8);
    cache.interval = Duration.ofSeconds(30);
    cache.base = 4.2 * GB;
    cache.ceiling = 0.95 * 4 * GB;
    cache.noise = 0.012 * 4 * GB;

    try (OfflinePipeline pipeline = pipeline(cache)) {
      assertThat(atLeastWarning(run(pipeline, cache.samples()))).isEmpty();
      MemoryTrendView view = pipeline.driver().<String, MemoryTrendView>getKeyValueStore(StoreNames.MEMORY_TRENDS)
          .get("product-cache");
      assertThat(view.usedFraction()).isBetween(0.9, 1.0);
      assertThat(view.horizons()).extracting(HorizonTrend::horizonSeconds).containsExactly(3600L, 86_400L, 604_800L);
      assertThat(view.growthSeverity()).isNull();
    }
  }

  @Test
  void shouldStayQuietWhenMemoryFollowsDailyRhythmWithoutNetGrowth() {
    MemoryScenario daily = new MemoryScenario("search-index", 8 * GB, 17, BASE);
    daily.length = Duration.ofDays(14);
    daily.interval = Duration.ofSeconds(60);
    daily.base = 4.5 * GB;
    daily.noise = 0.05 * GB;
    daily.dailyAmplitude = 2 * GB;
    daily.sawAmplitude = 0.3 * GB;
    daily.sawPeriod = Duration.ofMinutes(45);

    try (OfflinePipeline pipeline = pipeline(daily)) {
      assertThat(atLeastWarning(run(pipeline, daily.samples()))).isEmpty();
    }
  }

  @Test
  void shouldStayQuietWhenSteepGcSawtoothHasNoNetGrowth() {
    MemoryScenario heap = new MemoryScenario("orders-jvm-heap", 2 * GB, 29, BASE);
    heap.length = Duration.ofDays(7);
    heap.interval = Duration.ofSeconds(30);
    heap.base = 0.4 * GB;
    heap.sawAmplitude = 1.45 * GB;
    heap.sawPeriod = Duration.ofMinutes(5);
    heap.noise = 0.02 * GB;

    try (OfflinePipeline pipeline = pipeline(heap)) {
      assertThat(atLeastWarning(run(pipeline, heap.samples()))).isEmpty();
    }
  }

  @Test
  void shouldStayQuietWhenMemoryStepsUpOnceAndThenStaysFlat() {
    MemoryScenario step = new MemoryScenario("feature-store", 32 * GB, 41, BASE);
    step.length = Duration.ofDays(10);
    step.interval = Duration.ofSeconds(45);
    step.base = 10 * GB;
    step.noise = 0.3 * GB;
    step.dailyAmplitude = 1 * GB;
    step.stepAt = BASE.plus(Duration.ofDays(4)).plus(Duration.ofHours(5));
    step.step = 14 * GB;

    try (OfflinePipeline pipeline = pipeline(step)) {
      assertThat(atLeastWarning(run(pipeline, step.samples()))).isEmpty();
    }
  }

  @Test
  void shouldKeepTrendsButEmitNoCandidateWhenResourceReportsNoLimit() {
    MemoryScenario leak = new MemoryScenario("unbounded-queue", 8 * GB, 53, BASE);
    leak.length = Duration.ofDays(6);
    leak.interval = Duration.ofSeconds(60);
    leak.withLimit = false;
    leak.base = 1 * GB;
    leak.noise = 0.02 * GB;
    leak.leakOnset = BASE.plus(Duration.ofDays(1));
    leak.leakPerSecond = 0.5 * GB / DAY;

    try (OfflinePipeline pipeline = pipeline(leak)) {
      assertThat(run(pipeline, leak.samples())).isEmpty();
      MemoryTrendView view = pipeline.driver().<String, MemoryTrendView>getKeyValueStore(StoreNames.MEMORY_TRENDS)
          .get("unbounded-queue");
      assertThat(view.limitBytes()).isNull();
      assertThat(view.usedFraction()).isNull();
      HorizonTrend week = view.horizons().get(2);
      assertThat(week.secondsToExhaustion()).isNull();
      assertThat(week.slopeBytesPerSecond()).isCloseTo(leak.leakPerSecond, within(0.2 * leak.leakPerSecond));
    }
  }

  @Test
  void shouldCountSampleOlderThanOpenWindowAsLate() {
    try (OfflinePipeline pipeline = new OfflinePipeline(ForeshockSettings.defaults(),
        Clock.fixed(BASE.plusSeconds(3600), ZoneOffset.UTC), BASE, stateDir)) {
      pipeline.pipe(sample(BASE.plusSeconds(130), 1 * GB));
      pipeline.pipe(sample(BASE.plusSeconds(50), 1 * GB));

      assertThat(pipeline.metrics().registry().counter("foreshock.late.records", "detector", "memory").count())
          .isEqualTo(1.0);
    }
  }

  @Test
  void shouldNameMemoryProcessorAndStoresExplicitly() {
    try (OfflinePipeline pipeline = new OfflinePipeline(ForeshockSettings.defaults(),
        Clock.fixed(BASE, ZoneOffset.UTC), BASE, stateDir)) {
      assertThat(pipeline.driver().getAllStateStores()).containsKeys(StoreNames.MEMORY_SERIES,
          StoreNames.MEMORY_WINDOWS, StoreNames.MEMORY_TRENDS);
      String described = new dev.foreshock.ForeshockTopology(ForeshockSettings.defaults(), pipeline.topics(),
          pipeline.metrics(), Clock.fixed(BASE, ZoneOffset.UTC)).build(streamsProps()).describe().toString();
      assertThat(described).containsPattern("Processor: memory-detectors \\(stores: \\[memory-[a-z]+, memory-[a-z]+, memory-[a-z]+]\\)");
      assertThat(described).doesNotContain("KSTREAM-").doesNotContain("KTABLE-");
    }
  }

  private static MemorySample sample(Instant ts, long used) {
    return MemorySample.newBuilder().setTs(ts.toEpochMilli()).setResource("redis-queue").setHost("redis-1")
        .setUsedBytes(used).setMaxBytes(3 * GB).build();
  }

  @Test
  void shouldForgetResourceThatStayedSilentLongerThanIdleExpiry() {
    try (OfflinePipeline pipeline = new OfflinePipeline(ForeshockSettings.defaults(),
        Clock.fixed(BASE.plus(Duration.ofDays(20)), ZoneOffset.UTC), BASE, stateDir)) {
      KeyValueStore<String, MemoryTrendView> trends = pipeline.driver().getKeyValueStore(StoreNames.MEMORY_TRENDS);
      KeyValueStore<String, byte[]> series = pipeline.driver().getKeyValueStore(StoreNames.MEMORY_SERIES);
      for (int i = 0; i < 30; i++) {
        pipeline.pipe(sample(BASE.plusSeconds(20L * i), GB + i * 1_000_000L));
      }
      assertThat(trends.get("redis-queue")).isNotNull();

      Instant later = BASE.plus(Duration.ofDays(9));
      for (int i = 0; i < 10; i++) {
        pipeline.pipe(MemorySample.newBuilder().setTs(later.plusSeconds(30L * i).toEpochMilli())
            .setResource("other-redis").setHost("o1").setUsedBytes(GB).setMaxBytes(2 * GB).build());
      }

      assertThat(trends.get("redis-queue")).isNull();
      assertThat(series.get("redis-queue")).isNull();
    }
  }

  /** Five resources over 30 hours: two rapid rises, a fast leak, a daily rhythm and a sawtooth, interleaved in time. */
  private static List<MemorySample> fiveResources() {
    List<MemorySample> all = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      MemoryScenario s = new MemoryScenario("cache-" + i, (2L + i) * GB, 300 + i, BASE);
      // cache-1's leak (fills in about 9 h from 25 h on) must be flagged within these 5 hours
      s.length = Duration.ofHours(30);
      s.interval = Duration.ofSeconds(i == 3 ? 10 : i % 2 == 0 ? 20 : 30);
      s.base = 0.35 * s.limit;
      s.noise = 0.01 * s.limit;
      switch (i) {
        case 0, 3 -> {
          s.sawAmplitude = 0.05 * s.limit;
          s.sawPeriod = Duration.ofMinutes(5);
          s.climbOnset = BASE.plus(Duration.ofHours(26 + i / 3)).plusSeconds(13L * i);
          s.climbTo = 1.1 * s.limit;
          s.climbLength = Duration.ofSeconds(70 + 10L * i);
        }
        case 1 -> {
          s.leakOnset = BASE.plus(Duration.ofHours(25));
          s.leakPerSecond = 0.55 * s.limit / Duration.ofHours(8).toSeconds();
        }
        case 2 -> s.dailyAmplitude = 0.1 * s.limit;
        default -> {
          s.sawAmplitude = 0.2 * s.limit;
          s.sawPeriod = Duration.ofMinutes(20);
        }
      }
      all.addAll(s.samples());
    }
    all.sort(java.util.Comparator.comparingLong(MemorySample::getTs));
    return all;
  }

  private List<IncidentCandidate> runWith(Map<String, String> settings, List<MemorySample> samples, Path dir,
      Map<String, Long> storedLastTs) {
    Instant after = BASE.plus(Duration.ofHours(31));
    try (OfflinePipeline pipeline = new OfflinePipeline(ForeshockSettings.from(SettingsSource.of(settings)),
        Clock.fixed(after, ZoneOffset.UTC), BASE, dir)) {
      List<IncidentCandidate> out = run(pipeline, samples);
      KeyValueStore<String, byte[]> series = pipeline.driver().getKeyValueStore(StoreNames.MEMORY_SERIES);
      try (JsonSerde<MemorySeries> json = new JsonSerde<>(MemorySeries.class)) {
        for (int i = 0; i < 5; i++) {
          byte[] s = series.get("cache-" + i);
          storedLastTs.put("cache-" + i, s == null ? null : json.deserializer().deserialize("", s).lastTs);
        }
      }
      return out;
    }
  }

  @Test
  void shouldEmitTheSameCandidatesWhenOnlyTwoOfFiveSeriesFitInMemory(@TempDir Path unboundedDir,
      @TempDir Path boundedDir) {
    List<MemorySample> samples = fiveResources();
    Map<String, Long> unboundedStored = new HashMap<>();
    Map<String, Long> boundedStored = new HashMap<>();

    List<IncidentCandidate> unbounded = runWith(Map.of(), samples, unboundedDir, unboundedStored);
    List<IncidentCandidate> bounded = runWith(Map.of("memory.cache.entries", "2"), samples, boundedDir, boundedStored);

    assertThat(unbounded).extracting(IncidentCandidate::getSubject).contains("cache-0", "cache-1", "cache-3");
    assertThat(ofType(unbounded, CandidateType.MEMORY_RAPID_RISE)).extracting(IncidentCandidate::getSubject)
        .contains("cache-0", "cache-3");
    assertThat(bounded).containsExactlyElementsOf(unbounded);
    // every sample was a miss (five resources take turns in two places): each eviction wrote its
    // series back, so the store holds the latest sample of every resource no longer held
    Map<String, Long> lastSample = new HashMap<>();
    samples.forEach(m -> lastSample.put(m.getResource(), m.getTs()));
    long current = boundedStored.entrySet().stream().filter(e -> lastSample.get(e.getKey()).equals(e.getValue())).count();
    assertThat(current).isGreaterThanOrEqualTo(3);
  }

  @Test
  void shouldForgetEvictedResourceThatStayedSilentLongerThanIdleExpiry() {
    try (OfflinePipeline pipeline = new OfflinePipeline(
        ForeshockSettings.from(SettingsSource.of(Map.of("memory.cache.entries", "1", "memory.idle-expiry", "3d"))),
        Clock.fixed(BASE.plus(Duration.ofDays(20)), ZoneOffset.UTC), BASE, stateDir)) {
      KeyValueStore<String, MemoryTrendView> trends = pipeline.driver().getKeyValueStore(StoreNames.MEMORY_TRENDS);
      KeyValueStore<String, byte[]> series = pipeline.driver().getKeyValueStore(StoreNames.MEMORY_SERIES);
      for (int i = 0; i < 40; i++) {
        pipeline.pipe(sample(BASE.plusSeconds(25L * i), GB + i * 800_000L));
      }
      // a second resource takes the only place: redis-queue's series goes to the store
      Instant next = BASE.plus(Duration.ofHours(2));
      for (int i = 0; i < 10; i++) {
        pipeline.pipe(MemorySample.newBuilder().setTs(next.plusSeconds(30L * i).toEpochMilli())
            .setResource("other-redis").setHost("o1").setUsedBytes(GB).setMaxBytes(2 * GB).build());
      }
      assertThat(series.get("redis-queue")).isNotNull();
      assertThat(trends.get("redis-queue")).isNotNull();

      Instant later = BASE.plus(Duration.ofDays(4));
      for (int i = 0; i < 10; i++) {
        pipeline.pipe(MemorySample.newBuilder().setTs(later.plusSeconds(30L * i).toEpochMilli())
            .setResource("other-redis").setHost("o1").setUsedBytes(GB).setMaxBytes(2 * GB).build());
      }

      assertThat(series.get("redis-queue")).isNull();
      assertThat(trends.get("redis-queue")).isNull();
      assertThat(series.get("other-redis")).isNotNull();
    }
  }

  private static java.util.Properties streamsProps() {
    java.util.Properties props = new java.util.Properties();
    props.put(org.apache.kafka.streams.StreamsConfig.APPLICATION_ID_CONFIG, "memory-naming-test");
    props.put(org.apache.kafka.streams.StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    return props;
  }
}

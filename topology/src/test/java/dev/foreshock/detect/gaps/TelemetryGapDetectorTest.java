package dev.foreshock.detect.gaps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foreshock.StoreNames;
import dev.foreshock.avro.CandidateStatus;
import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.avro.Severity;
import dev.foreshock.backtest.OfflinePipeline;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.config.SettingsSource;
import dev.foreshock.correlate.CorrelationSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TelemetryGapDetectorTest {

  private static final Instant BASE = Instant.parse("2025-08-29T07:30:00Z");

  @TempDir Path stateDir;
  private OfflinePipeline pipeline;
  private final List<IncidentCandidate> gaps = new ArrayList<>();

  @AfterEach
  void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  private void start(Map<String, String> settings, Instant wallClockStart) {
    pipeline = new OfflinePipeline(ForeshockSettings.from(SettingsSource.of(settings)),
        Clock.fixed(wallClockStart.plus(Duration.ofDays(1)), ZoneOffset.UTC), wallClockStart, stateDir);
  }

  /** Pipes the records as a backtest does: the wall clock stands still. */
  private void replay(List<SpecificRecord> records) {
    for (SpecificRecord r : records) {
      pipeline.pipe(r);
      collect();
    }
  }

  /** Pipes the records as live data: the wall clock moves with event time. */
  private void live(List<SpecificRecord> records, Instant wallClockStart) {
    long wall = wallClockStart.toEpochMilli();
    for (SpecificRecord r : records) {
      long ts = TelemetryFleet.ts(r);
      if (ts > wall) {
        pipeline.advanceWallClock(Duration.ofMillis(ts - wall));
        wall = ts;
      }
      pipeline.pipe(r);
      collect();
    }
  }

  private void advanceWallClock(Duration total, Duration step) {
    for (Duration d = Duration.ZERO; d.compareTo(total) < 0; d = d.plus(step)) {
      pipeline.advanceWallClock(step);
      collect();
    }
  }

  private void collect() {
    pipeline.drainCandidates().stream().filter(c -> c.getType() == CandidateType.TELEMETRY_GAP).forEach(gaps::add);
  }

  private Map<String, List<IncidentCandidate>> bySubject() {
    return gaps.stream().collect(Collectors.groupingBy(IncidentCandidate::getSubject));
  }

  @Test
  void shouldFlagSilentServiceAndResourceByStreamTimeWhenOtherSourcesKeepReporting() {
    start(Map.of(), BASE);
    Random random = new Random(2908L);
    Instant chatStops = BASE.plus(Duration.ofMinutes(40)).plusSeconds(random.nextInt(60));
    Instant chatResumes = chatStops.plus(Duration.ofMinutes(25));
    Instant redisStops = BASE.plus(Duration.ofMinutes(50)).plusSeconds(random.nextInt(60));
    TelemetryFleet fleet = new TelemetryFleet(random)
        .service("search-api", 4, Duration.ofSeconds(10))
        .service("chat-api", 3, Duration.ofSeconds(10))
        .service("recommendation-api", 2, Duration.ofSeconds(15))
        .service("visitor-logging", 5, Duration.ofSeconds(10))
        .resource("redis-queue", Duration.ofSeconds(15))
        .resource("postgres-main", Duration.ofSeconds(30))
        .silent("chat-api", chatStops, chatResumes)
        .silent("redis-queue", redisStops, BASE.plus(Duration.ofHours(2)));
    List<SpecificRecord> records = fleet.generate(BASE, BASE.plus(Duration.ofMinutes(80)));
    long chatLast = lastBefore(records, "chat-api", chatStops);
    long redisLast = lastBefore(records, "redis-queue", redisStops);

    replay(records);

    Map<String, List<IncidentCandidate>> bySubject = bySubject();
    assertThat(bySubject).containsOnlyKeys("chat-api", "redis-queue");

    List<IncidentCandidate> chat = bySubject.get("chat-api");
    assertThat(chat).extracting(IncidentCandidate::getId).containsOnly(chat.get(0).getId());
    IncidentCandidate open = chat.get(0);
    assertThat(open.getStatus()).isEqualTo(CandidateStatus.OPEN);
    assertThat(open.getSeverity()).isEqualTo(Severity.WARNING);
    assertThat(open.getTs() - chatLast).as("delay after the last report")
        .isBetween(Duration.ofMinutes(2).toMillis(), Duration.ofMinutes(3).toMillis());
    assertThat(open.getEvidence()).containsOnlyKeys("expectedIntervalSeconds", "silentSeconds");
    assertThat(open.getEvidence().get("expectedIntervalSeconds")).isBetween(3.0, 11.0);
    assertThat(open.getEvidence().get("silentSeconds")).isEqualTo((open.getTs() - chatLast) / 1000 * 1.0,
        org.assertj.core.data.Offset.offset(1.0));
    assertThat(open.getWindowStart()).isEqualTo(chatLast);
    IncidentCandidate critical = chat.get(1);
    assertThat(critical.getStatus()).isEqualTo(CandidateStatus.UPDATED);
    assertThat(critical.getSeverity()).isEqualTo(Severity.CRITICAL);
    assertThat(critical.getEvidence().get("silentSeconds")).isBetween(600.0, 615.0);
    // cleared by the first record after the silence; the lifecycle resolves after its hold-off
    IncidentCandidate resolved = chat.get(chat.size() - 1);
    assertThat(resolved.getStatus()).isEqualTo(CandidateStatus.RESOLVED);
    Duration holdOff = CorrelationSettings.defaults().holdOff();
    assertThat(resolved.getTs()).isBetween(chatResumes.plus(holdOff).toEpochMilli(),
        chatResumes.plus(holdOff).plusSeconds(40).toEpochMilli());
    assertThat(chat.subList(1, chat.size() - 1)).extracting(IncidentCandidate::getStatus)
        .containsOnly(CandidateStatus.UPDATED);

    IncidentCandidate redis = bySubject.get("redis-queue").get(0);
    assertThat(redis.getStatus()).isEqualTo(CandidateStatus.OPEN);
    assertThat(redis.getTs() - redisLast).isLessThanOrEqualTo(Duration.ofMinutes(10).toMillis());
    assertThat(redis.getEvidence().get("expectedIntervalSeconds")).isBetween(14.0, 17.0);
    assertThat(redis.getSummary()).contains("redis-queue", "memory samples");

    KeyValueStore<String, SourceCadence> store = pipeline.driver().getKeyValueStore(StoreNames.GAP_SOURCES);
    SourceCadence search = store.get("instance:search-api/search-api-2");
    assertThat(search.steady()).isTrue();
    assertThat(search.usualIntervalMs()).isBetween(9_000L, 11_500L);
    assertThat(store.get("resource:redis-queue").flagged()).isEqualTo(Severity.CRITICAL);
  }

  @Test
  void shouldFlagSilentSourcesByWallClockWhenNoRecordsArriveAtAll() {
    start(Map.of("gaps.floor", "90s"), BASE);
    Random random = new Random(41L);
    TelemetryFleet fleet = new TelemetryFleet(random)
        .service("search-api", 3, Duration.ofSeconds(10))
        .service("visitor-logging", 2, Duration.ofSeconds(20))
        .resource("redis-queue", Duration.ofSeconds(5));
    List<SpecificRecord> records = fleet.generate(BASE, BASE.plus(Duration.ofMinutes(20)));
    live(records, BASE);
    assertThat(gaps).isEmpty();
    long lastWall = TelemetryFleet.ts(records.get(records.size() - 1));

    advanceWallClock(Duration.ofMinutes(10), Duration.ofSeconds(5));

    Map<String, List<IncidentCandidate>> bySubject = bySubject();
    assertThat(bySubject).containsOnlyKeys("search-api", "visitor-logging", "redis-queue");
    bySubject.forEach((subject, candidates) -> {
      IncidentCandidate open = candidates.get(0);
      long last = records.stream().filter(r -> subject.equals(subjectOf(r)))
          .mapToLong(TelemetryFleet::ts).max().orElseThrow();
      assertThat(open.getSeverity()).isEqualTo(Severity.WARNING);
      // event time estimated from the wall clock: the last report plus the wall-clock silence
      double silent = open.getEvidence().get("silentSeconds");
      assertThat(open.getTs()).isEqualTo(last + Math.round(silent * 1000));
      assertThat(open.getTs() - lastWall).as("%s flagged after the wall-clock silence", subject)
          .isBetween(Duration.ofSeconds(60).toMillis(), Duration.ofMinutes(2).toMillis());
    });
    assertThat(bySubject.get("visitor-logging").get(0).getEvidence().get("expectedIntervalSeconds"))
        .isBetween(10.0, 21.0);
  }

  @Test
  void shouldNotFlagReplayOfOldDataWhenWallClockRunsOnAfterIt() {
    Instant wallClock = BASE.plus(Duration.ofDays(30));
    start(Map.of(), wallClock);
    Random random = new Random(99L);
    List<SpecificRecord> records = new TelemetryFleet(random)
        .service("search-api", 3, Duration.ofSeconds(10))
        .resource("redis-queue", Duration.ofSeconds(10))
        .generate(BASE, BASE.plus(Duration.ofMinutes(30)));
    replay(records);

    advanceWallClock(Duration.ofMinutes(30), Duration.ofSeconds(10));

    assertThat(gaps).isEmpty();
    // the detector did learn the sources: stream time alone would flag them
    KeyValueStore<String, SourceCadence> store = pipeline.driver().getKeyValueStore(StoreNames.GAP_SOURCES);
    assertThat(store.get("service:search-api").steady()).isTrue();
    assertThat(store.get("resource:redis-queue").steady()).isTrue();
  }

  @Test
  void shouldNotFlagScaleDownButFlagLoneCrashedInstance() {
    start(Map.of(), BASE);
    Random random = new Random(7L);
    Instant t = BASE.plus(Duration.ofMinutes(30));
    TelemetryFleet fleet = new TelemetryFleet(random)
        .service("search-api", 6, Duration.ofSeconds(10))
        .service("batch-api", 3, Duration.ofSeconds(15))
        .service("chat-api", 5, Duration.ofSeconds(10))
        .service("checkout-api", 4, Duration.ofSeconds(10))
        .resource("redis-queue", Duration.ofSeconds(10))
        // search-api scaled from 6 to 3 instances after a SCALE change
        .change("search-api", "SCALE", t)
        .silent("search-api/search-api-4", t.plusSeconds(20), BASE.plus(Duration.ofHours(2)))
        .silent("search-api/search-api-5", t.plusSeconds(35), BASE.plus(Duration.ofHours(2)))
        .silent("search-api/search-api-6", t.plusSeconds(70), BASE.plus(Duration.ofHours(2)))
        // batch-api scaled to zero
        .change("batch-api", "scale", t.plus(Duration.ofMinutes(5)))
        .silent("batch-api", t.plus(Duration.ofMinutes(6)), BASE.plus(Duration.ofHours(2)))
        // chat-api scaled in by an autoscaler that logs no change: two instances stop together
        .silent("chat-api/chat-api-2", t.plus(Duration.ofMinutes(10)), BASE.plus(Duration.ofHours(2)))
        .silent("chat-api/chat-api-5", t.plus(Duration.ofMinutes(10)).plusSeconds(40), BASE.plus(Duration.ofHours(2)))
        // checkout-api-3 crashes alone: not a scale-down
        .silent("checkout-api/checkout-api-3", t.plus(Duration.ofMinutes(12)), BASE.plus(Duration.ofHours(2)));
    List<SpecificRecord> records = fleet.generate(BASE, BASE.plus(Duration.ofMinutes(75)));

    replay(records);

    assertThat(gaps).hasSize(1);
    IncidentCandidate crash = gaps.get(0);
    assertThat(crash.getSubject()).isEqualTo("checkout-api-3");
    assertThat(crash.getSeverity()).isEqualTo(Severity.INFO);
    long last = records.stream().filter(r -> "checkout-api/checkout-api-3".equals(instanceOf(r)))
        .mapToLong(TelemetryFleet::ts).max().orElseThrow();
    assertThat(crash.getTs() - last).isBetween(Duration.ofMinutes(4).toMillis(), Duration.ofMinutes(5).toMillis());
    assertThat(crash.getSummary()).contains("checkout-api-3 has sent no request stats", "while the rest of checkout-api still reports");
    KeyValueStore<String, SourceCadence> store = pipeline.driver().getKeyValueStore(StoreNames.GAP_SOURCES);
    assertThat(store.get("instance:checkout-api/checkout-api-3").flagged()).isEqualTo(Severity.INFO);
    assertThat(store.get("instance:search-api/search-api-5").excused()).isTrue();
    assertThat(store.get("service:batch-api").excused()).isTrue();
  }

  @Test
  void shouldNotFlagSparseOrIrregularSources() {
    start(Map.of(), BASE);
    Random random = new Random(1234L);
    TelemetryFleet fleet = new TelemetryFleet(random)
        .service("search-api", 2, Duration.ofSeconds(10))
        .irregularResource("cron-cache", Duration.ofSeconds(90))
        .irregularResource("report-store", Duration.ofMinutes(4))
        // reports a few times, then stops, before it could count as steady
        .service("setup-job", 1, Duration.ofSeconds(30))
        .silent("setup-job", BASE.plus(Duration.ofMinutes(4)), BASE.plus(Duration.ofHours(4)))
        // control: a steady resource that stops is flagged
        .resource("redis-queue", Duration.ofSeconds(20))
        .silent("redis-queue", BASE.plus(Duration.ofMinutes(100)), BASE.plus(Duration.ofHours(4)));
    List<SpecificRecord> records = fleet.generate(BASE, BASE.plus(Duration.ofHours(2)));

    replay(records);

    assertThat(gaps).extracting(IncidentCandidate::getSubject).containsOnly("redis-queue");
    KeyValueStore<String, SourceCadence> store = pipeline.driver().getKeyValueStore(StoreNames.GAP_SOURCES);
    assertThat(store.get("resource:cron-cache").silenceThresholdMs())
        .isGreaterThan(3 * Duration.ofSeconds(90).toMillis());
    assertThat(store.get("service:setup-job").steady()).isFalse();
  }

  @Test
  void shouldForgetSourceSilentForLongAndEndItsGap() {
    start(Map.of("gaps.critical-after", "5m", "gaps.forget-after", "20m"), BASE);
    Random random = new Random(5L);
    Instant stops = BASE.plus(Duration.ofMinutes(20));
    List<SpecificRecord> records = new TelemetryFleet(random)
        .service("search-api", 2, Duration.ofSeconds(10))
        .resource("old-cache", Duration.ofSeconds(10))
        .silent("old-cache", stops, BASE.plus(Duration.ofHours(3)))
        .generate(BASE, BASE.plus(Duration.ofMinutes(70)));
    long last = lastBefore(records, "old-cache", stops);

    replay(records);

    assertThat(gaps).extracting(IncidentCandidate::getStatus)
        .startsWith(CandidateStatus.OPEN, CandidateStatus.UPDATED).endsWith(CandidateStatus.RESOLVED);
    // forgotten (and cleared) after 20 min of silence; resolved after the lifecycle's hold-off
    Duration holdOff = CorrelationSettings.defaults().holdOff();
    assertThat(gaps.get(gaps.size() - 1).getTs() - last).isBetween(Duration.ofMinutes(20).plus(holdOff).toMillis(),
        Duration.ofMinutes(21).plus(holdOff).toMillis());
    KeyValueStore<String, SourceCadence> store = pipeline.driver().getKeyValueStore(StoreNames.GAP_SOURCES);
    assertThat(store.get("resource:old-cache")).isNull();
    assertThat(store.get("service:search-api")).isNotNull();
  }

  @Test
  void shouldFlagTheSameGapsWhenOnlyAFewSourcesFitInMemory(@TempDir Path boundedDir) {
    Random random = new Random(77L);
    Instant t = BASE.plus(Duration.ofMinutes(30));
    TelemetryFleet fleet = new TelemetryFleet(random)
        .service("search-api", 5, Duration.ofSeconds(10))
        .service("chat-api", 4, Duration.ofSeconds(10))
        .service("checkout-api", 3, Duration.ofSeconds(15))
        .resource("redis-queue", Duration.ofSeconds(15))
        .resource("postgres-main", Duration.ofSeconds(30))
        .change("search-api", "SCALE", t)
        .silent("search-api/search-api-5", t.plusSeconds(25), BASE.plus(Duration.ofHours(3)))
        .silent("chat-api", t.plus(Duration.ofMinutes(5)), t.plus(Duration.ofMinutes(25)))
        .silent("checkout-api/checkout-api-2", t.plus(Duration.ofMinutes(8)), BASE.plus(Duration.ofHours(3)))
        .silent("redis-queue", t.plus(Duration.ofMinutes(12)), BASE.plus(Duration.ofHours(3)));
    List<SpecificRecord> records = fleet.generate(BASE, BASE.plus(Duration.ofMinutes(100)));
    Map<String, String> forgetSoon = Map.of("gaps.critical-after", "5m", "gaps.forget-after", "40m");

    start(forgetSoon, BASE);
    replay(records);
    List<IncidentCandidate> unbounded = new ArrayList<>(gaps);
    KeyValueStore<String, SourceCadence> store = pipeline.driver().getKeyValueStore(StoreNames.GAP_SOURCES);
    List<SourceCadence> stored = new ArrayList<>();
    store.all().forEachRemaining(kv -> stored.add(kv.value));
    pipeline.close();
    gaps.clear();
    // 3 of 21 sources held: every record is a miss; each check sweeps the whole store
    Map<String, String> bounded = new java.util.HashMap<>(forgetSoon);
    bounded.put("gaps.cache.entries", "3");
    bounded.put("gaps.sweep-entries", "100");
    stateDir = boundedDir;
    start(bounded, BASE);
    replay(records);

    assertThat(unbounded).extracting(IncidentCandidate::getSubject)
        .contains("chat-api", "checkout-api-2", "redis-queue").doesNotContain("search-api-5");
    assertThat(sorted(gaps)).containsExactlyElementsOf(sorted(unbounded));
    KeyValueStore<String, SourceCadence> boundedStore = pipeline.driver().getKeyValueStore(StoreNames.GAP_SOURCES);
    assertThat(boundedStore.get("resource:redis-queue")).isNull(); // forgotten from the store by the sweep
    assertThat(boundedStore.get("instance:search-api/search-api-5")).isNull();
    assertThat(boundedStore.get("instance:checkout-api/checkout-api-1").steady()).isTrue();
    assertThat(stored).extracting(SourceCadence::subject).doesNotContain("redis-queue");
  }

  private static List<String> sorted(List<IncidentCandidate> candidates) {
    return candidates.stream()
        .map(c -> c.getTs() + " " + c.getSubject() + " " + c.getStatus() + " " + c.getSeverity() + " " + c.getEvidence())
        .sorted().toList();
  }

  private static long lastBefore(List<SpecificRecord> records, String subject, Instant before) {
    return records.stream().filter(r -> subject.equals(subjectOf(r)) && TelemetryFleet.ts(r) < before.toEpochMilli())
        .mapToLong(TelemetryFleet::ts).max().orElseThrow();
  }

  private static String subjectOf(SpecificRecord r) {
    if (r instanceof dev.foreshock.avro.RequestStats q) {
      return q.getService();
    } else if (r instanceof dev.foreshock.avro.MemorySample m) {
      return m.getResource();
    }
    return null;
  }

  private static String instanceOf(SpecificRecord r) {
    return r instanceof dev.foreshock.avro.RequestStats q ? q.getService() + "/" + q.getInstance() : null;
  }
}

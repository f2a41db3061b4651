package dev.foreshock.detect.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.foreshock.StoreNames;
import dev.foreshock.avro.CandidateStatus;
import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.avro.RequestStats;
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
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ErrorRateDetectorTest {

  private static final Instant BASE = Instant.parse("2025-08-29T07:00:00Z");

  @TempDir Path stateDir;
  private OfflinePipeline pipeline;

  @AfterEach
  void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  private void start(Map<String, String> settings) {
    pipeline = new OfflinePipeline(ForeshockSettings.from(SettingsSource.of(settings)),
        Clock.fixed(BASE.plus(Duration.ofDays(1)), ZoneOffset.UTC), BASE, stateDir);
  }

  private List<IncidentCandidate> spikes(List<RequestStats> records) {
    List<IncidentCandidate> out = new ArrayList<>();
    for (RequestStats r : records) {
      pipeline.pipe(r);
      pipeline.drainCandidates().stream()
          .filter(c -> c.getType() == CandidateType.ERROR_RATE_SPIKE)
          .forEach(out::add);
    }
    return out;
  }

  @Test
  void shouldFlagServerErrorJumpWithinTwoMinutesWhenFewServicesFail() {
    start(Map.of());
    Random random = new Random(20250829L);
    RequestFleet fleet = new RequestFleet(random, Duration.ofSeconds(10))
        .service("search-api", 4, 120, 0.004)
        .service("recommendation-api", 3, 60, 0.002)
        .service("chat-api", 2, 35, 0.008)
        .service("checkout-api", 5, 80, 0.003)
        .service("catalog-api", 6, 200, 0.001)
        .service("auth-api", 3, 150, 0.006)
        .service("profile-api", 2, 25, 0.01);
    Instant onset = BASE.plus(Duration.ofMinutes(35)).plusSeconds(7);
    Instant recovery = onset.plus(Duration.ofMinutes(12));
    Map<String, Double> failing = Map.of("search-api", 0.32, "recommendation-api", 0.45, "chat-api", 0.12);
    failing.forEach((service, ratio) -> fleet.errorRatio(service, onset, recovery, ratio));

    List<IncidentCandidate> spikes = spikes(fleet.generate(BASE, BASE.plus(Duration.ofMinutes(70))));

    Map<String, List<IncidentCandidate>> bySubject = spikes.stream()
        .collect(Collectors.groupingBy(IncidentCandidate::getSubject));
    assertThat(bySubject).containsOnlyKeys(failing.keySet());
    failing.forEach((service, ratio) -> {
      List<IncidentCandidate> episode = bySubject.get(service);
      IncidentCandidate open = episode.get(0);
      double base = fleet.service(service).errorRatio();
      assertThat(open.getStatus()).isEqualTo(CandidateStatus.OPEN);
      assertThat(open.getTs()).as("detection time of %s", service)
          .isBetween(onset.toEpochMilli(), onset.plus(Duration.ofMinutes(2)).toEpochMilli());
      assertThat(open.getEvidence()).containsOnlyKeys("errorRatio", "baselineRatio", "requests", "errors");
      assertThat(open.getEvidence().get("errorRatio")).isBetween(base + 0.05, ratio + 0.06);
      assertThat(open.getEvidence().get("baselineRatio")).isCloseTo(base, within(0.004));
      assertThat(open.getEvidence().get("requests")).isGreaterThanOrEqualTo(100.0);
      assertThat(open.getEvidence().get("errors") / open.getEvidence().get("requests"))
          .isCloseTo(open.getEvidence().get("errorRatio"), within(1e-9));
      assertThat(open.getWindowEnd() - open.getWindowStart()).isEqualTo(30_000L);
      // the window holding the onset is only partly bad; within two minutes the episode shows the full jump
      Severity expected = ratio - base >= 0.20 ? Severity.CRITICAL : Severity.WARNING;
      IncidentCandidate full = episode.stream().filter(c -> c.getSeverity() == expected).findFirst().orElseThrow();
      assertThat(full.getTs()).as("%s reaches %s", service, expected)
          .isLessThanOrEqualTo(onset.plus(Duration.ofMinutes(2)).toEpochMilli());
      assertThat(episode).filteredOn(c -> c.getStatus() != CandidateStatus.RESOLVED)
          .extracting(IncidentCandidate::getSeverity).isSubsetOf(Severity.WARNING, expected);

      IncidentCandidate last = episode.get(episode.size() - 1);
      assertThat(last.getStatus()).as("%s resolved after recovery", service).isEqualTo(CandidateStatus.RESOLVED);
      assertThat(last.getId()).isEqualTo(open.getId());
      // cleared after three calm windows; the lifecycle resolves after its hold-off
      Duration holdOff = CorrelationSettings.defaults().holdOff();
      assertThat(last.getTs()).isBetween(recovery.plus(holdOff).toEpochMilli(),
          recovery.plus(holdOff).plus(Duration.ofMinutes(4)).toEpochMilli());
      assertThat(episode).filteredOn(c -> c.getStatus() == CandidateStatus.OPEN).hasSize(1);
    });
  }

  @Test
  void shouldNeverFlagRequestSurgeWhenErrorRatioUnchanged() {
    start(Map.of());
    Random random = new Random(77L);
    RequestFleet fleet = new RequestFleet(random, Duration.ofSeconds(10))
        .service("search-api", 3, 90, 0.012)
        .service("frontend-api", 8, 140, 0.003)
        .service("batch-ingest", 2, 40, 0.02)
        .service("chat-api", 4, 30, 0.0);
    List<String> surging = List.of("search-api", "frontend-api", "batch-ingest");
    for (Instant t = BASE.plus(Duration.ofMinutes(15)); t.isBefore(BASE.plus(Duration.ofHours(2)));
        t = t.plus(Duration.ofMinutes(10))) {
      for (String service : surging) {
        fleet.traffic(service, t, t.plus(Duration.ofSeconds(60 + random.nextInt(120))), 3 + random.nextDouble());
      }
    }

    List<IncidentCandidate> spikes = spikes(fleet.generate(BASE, BASE.plus(Duration.ofHours(2))));

    assertThat(spikes).isEmpty();
    // the surges did reach the detector: windows with several times the usual requests were judged
    WindowStore<String, ErrorWindow> windows = pipeline.driver().getWindowStore(StoreNames.ERROR_WINDOWS);
    List<ErrorWindow> frontend = figures(windows, "frontend-api", BASE, BASE.plus(Duration.ofHours(2)));
    long usual = Math.round(8 * 140 * 30 * 1.0);
    assertThat(frontend).filteredOn(w -> w.closed() && w.requests() > 2.5 * usual && w.baselineRatio() != null)
        .hasSizeGreaterThanOrEqualTo(10);
    KeyValueStore<String, ErrorBaseline> baselines = pipeline.driver().getKeyValueStore(StoreNames.ERROR_BASELINES);
    assertThat(baselines.get("batch-ingest").baselineRatio()).isCloseTo(0.02, within(0.005));
    assertThat(baselines.get("chat-api").baselineRatio()).isZero();
  }

  @Test
  void shouldNotFlagQuietServiceWhenWindowsHaveTooFewRequests() {
    start(Map.of("errors.min-requests", "200"));
    Random random = new Random(3L);
    RequestFleet fleet = new RequestFleet(random, Duration.ofSeconds(15))
        .service("admin-api", 1, 3, 0.01)
        .service("orders-api", 3, 40, 0.01);
    Instant onset = BASE.plus(Duration.ofMinutes(30));
    fleet.errorRatio("admin-api", onset, onset.plus(Duration.ofMinutes(15)), 0.6);
    fleet.errorRatio("orders-api", onset, onset.plus(Duration.ofMinutes(15)), 0.6);

    List<IncidentCandidate> spikes = spikes(fleet.generate(BASE, BASE.plus(Duration.ofMinutes(50))));

    assertThat(spikes).extracting(IncidentCandidate::getSubject).containsOnly("orders-api");
    assertThat(spikes.get(0).getSeverity()).isEqualTo(Severity.CRITICAL);
  }

  @Test
  void shouldCountRecordAsLateWhenItsWindowClosedAndLeaveFiguresUnchanged() {
    start(Map.of("errors.window", "1m", "errors.grace", "10s"));
    Random random = new Random(11L);
    List<RequestStats> records = new RequestFleet(random, Duration.ofSeconds(10))
        .service("search-api", 2, 50, 0.01)
        .generate(BASE, BASE.plus(Duration.ofMinutes(10)));
    records.forEach(pipeline::pipe);
    long requestsInFirstWindow = records.stream()
        .filter(r -> r.getTs() > BASE.toEpochMilli() && r.getTs() <= BASE.plusSeconds(60).toEpochMilli())
        .mapToLong(RequestStats::getRequests).sum();

    pipeline.pipe(RequestStats.newBuilder().setTs(BASE.plusSeconds(30).toEpochMilli()).setService("search-api")
        .setInstance("search-api-1").setIntervalMs(10_000).setRequests(5_000).setErrors(4_000).build());

    assertThat(pipeline.metrics().registry().get("foreshock.late.records").tag("detector", "errors")
        .counter().count()).isEqualTo(1.0);
    WindowStore<String, ErrorWindow> windows = pipeline.driver().getWindowStore(StoreNames.ERROR_WINDOWS);
    ErrorWindow first = windows.fetch("search-api", BASE.toEpochMilli());
    assertThat(first.requests()).isEqualTo(requestsInFirstWindow);
    assertThat(first.closed()).isTrue();
  }

  @Test
  void shouldKeepPerWindowFiguresAndBaselineForQueryApi() {
    start(Map.of("errors.min-baseline-windows", "4", "errors.min-requests", "50"));
    Random random = new Random(5L);
    List<RequestStats> records = new RequestFleet(random, Duration.ofSeconds(5))
        .service("chat-api", 3, 20, 0.05)
        .generate(BASE, BASE.plus(Duration.ofMinutes(10)));
    records.forEach(pipeline::pipe);

    WindowStore<String, ErrorWindow> windows = pipeline.driver().getWindowStore(StoreNames.ERROR_WINDOWS);
    List<ErrorWindow> figures = figures(windows, "chat-api", BASE, BASE.plus(Duration.ofMinutes(10)));
    // every window is written once, when judged: the 20th is still open (stream time has not
    // passed its end plus the grace), so the store does not show it yet
    assertThat(figures).hasSize(19);
    assertThat(figures).allSatisfy(w -> assertThat(w.closed()).isTrue());
    assertThat(figures.get(18).windowEnd()).isEqualTo(BASE.plus(Duration.ofMinutes(10)).minusSeconds(30).toEpochMilli());
    for (ErrorWindow w : figures) {
      long requests = records.stream().filter(r -> r.getTs() > w.windowStart() && r.getTs() <= w.windowEnd())
          .mapToLong(RequestStats::getRequests).sum();
      long errors = records.stream().filter(r -> r.getTs() > w.windowStart() && r.getTs() <= w.windowEnd())
          .mapToLong(RequestStats::getErrors).sum();
      assertThat(w.requests()).isEqualTo(requests);
      assertThat(w.errors()).isEqualTo(errors);
      assertThat(w.errorRatio()).isCloseTo((double) errors / requests, within(1e-12));
      assertThat(w.windowEnd() - w.windowStart()).isEqualTo(30_000L);
    }
    assertThat(figures.subList(5, 19)).allSatisfy(w -> {
      assertThat(w.closed()).isTrue();
      assertThat(w.baselineRatio()).isCloseTo(0.05, within(0.02));
    });
    ErrorBaseline baseline = pipeline.driver().<String, ErrorBaseline>getKeyValueStore(StoreNames.ERROR_BASELINES)
        .get("chat-api");
    assertThat(baseline.baselineRatio()).isCloseTo(0.05, within(0.015));
    // written back every SAVE_EVERY_WINDOWS judged windows: at most that many behind the windows
    ErrorWindow lastClosed = figures.get(figures.size() - 1);
    assertThat(baseline.closedUpTo()).isGreaterThan(lastClosed.windowStart()
        - ErrorRateProcessor.SAVE_EVERY_WINDOWS * 30_000L);
    assertThat(baseline.baselineWindows()).isBetween(17 - ErrorRateProcessor.SAVE_EVERY_WINDOWS + 1, 19);
    assertThat(baseline.severity()).isNull();
  }

  private static List<ErrorWindow> figures(WindowStore<String, ErrorWindow> store, String service, Instant from,
      Instant to) {
    List<ErrorWindow> out = new ArrayList<>();
    try (WindowStoreIterator<ErrorWindow> it = store.fetch(service, from, to)) {
      it.forEachRemaining((KeyValue<Long, ErrorWindow> kv) -> out.add(kv.value));
    }
    return out;
  }
}

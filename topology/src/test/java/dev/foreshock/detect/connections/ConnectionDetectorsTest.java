package dev.foreshock.detect.connections;

import static dev.foreshock.detect.connections.ConnectionScenario.MIN;
import static dev.foreshock.detect.connections.ConnectionScenario.SEC;
import static org.assertj.core.api.Assertions.assertThat;

import dev.foreshock.ForeshockTopology;
import dev.foreshock.StoreNames;
import dev.foreshock.Topics;
import dev.foreshock.avro.CandidateStatus;
import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.ConnectionEvent;
import dev.foreshock.avro.ConnectionEventKind;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.avro.Severity;
import dev.foreshock.backtest.OfflinePipeline;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.detect.connections.ConnectionScenario.Instance;
import dev.foreshock.metrics.PipelineMetrics;
import dev.foreshock.serde.AvroSerdes;
import dev.foreshock.serde.InMemorySchemaRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConnectionDetectorsTest {

  private static final Instant BASE = Instant.parse("2025-09-17T01:00:00Z");
  private static final long T0 = BASE.toEpochMilli();
  private static final String TARGET = "postgres-main";
  /** The correlator resolves an episode this long after the detector's cleared signal. */
  private static final long HOLD_OFF = ForeshockSettings.defaults().correlation().holdOff().toMillis();
  private static final Set<CandidateType> CONNECTION_TYPES = Set.of(CandidateType.CONNECTION_BURST,
      CandidateType.PERIODIC_CONNECTION_RECYCLING, CandidateType.CONNECTION_FAILURES);

  @TempDir Path stateDir;

  @ParameterizedTest(name = "seed {0}: {1} instances, pool {2}, lifetime {3} min")
  @CsvSource({"1, 16, 10, 15", "2, 40, 5, 10", "3, 8, 20, 30", "4, 60, 3, 20", "5, 24, 8, 12"})
  void shouldFindPeriodicRecyclingWhenHalfTheFleetRecyclesTogether(long seed, int fleetSize, int pool,
      int lifetimeMinutes) {
    long lifetime = lifetimeMinutes * MIN;
    long syncAt = T0 + 2 * lifetime + 7 * SEC;
    long end = syncAt + 6 * lifetime;
    ConnectionScenario s = new ConnectionScenario(seed, TARGET);
    List<Instance> fleet = s.fleet("frontend-api", "fapi", fleetSize / 2);
    fleet.addAll(s.fleet("checkout-api", "capi", fleetSize - fleetSize / 2));
    s.bunchingRecycling(fleet, pool, lifetime, T0, end, syncAt, m -> 0.5, 2 * SEC);
    s.idleNoise(fleet, 2, T0, end);

    List<IncidentCandidate> out = replay(s.records(), end);

    assertThat(connectionCandidates(out, syncAt)).as("quiet stretch")
        .noneMatch(ConnectionDetectorsTest::warningOrAbove);
    IncidentCandidate burst = ofType(out, CandidateType.CONNECTION_BURST).stream()
        .filter(c -> c.getTs() >= syncAt).findFirst().orElseThrow();
    assertThat(burst.getStatus()).isIn(CandidateStatus.OPEN, CandidateStatus.UPDATED);
    assertThat(burst.getSubject()).isEqualTo(TARGET);
    assertThat(burst.getTs()).as("burst at the first synchronised recycling").isBetween(syncAt, syncAt + 30 * SEC);
    assertThat(burst.getSeverity()).isEqualTo(Severity.WARNING);
    assertThat(burst.getEvidence().get("fleetSize")).isEqualTo((double) fleetSize);
    assertThat(burst.getEvidence().get("instances")).isBetween(fleetSize * 0.5, fleetSize * 0.75);
    assertThat(burst.getEvidence().get("fleetFraction")).isBetween(0.45, 0.75);
    assertThat(burst.getEvidence().get("opens")).isGreaterThanOrEqualTo(0.9 * fleetSize / 2 * pool);
    assertThat(burst.getEvidence().get("baseline")).isLessThan(fleetSize / 2.0 * pool / 3);
    assertThat(burst.getSummary()).contains(TARGET).contains("frontend-api").contains("checkout-api");

    IncidentCandidate periodic = first(out, CandidateType.PERIODIC_CONNECTION_RECYCLING);
    assertThat(periodic.getStatus()).isEqualTo(CandidateStatus.OPEN);
    assertThat(periodic.getTs()).as("within four periods").isBetween(syncAt + 2 * lifetime, syncAt + 4 * lifetime);
    assertThat(periodic.getSeverity()).isEqualTo(Severity.WARNING);
    assertThat(periodic.getEvidence().get("periodSeconds")).isBetween(lifetime / 1000 * 0.9, lifetime / 1000 * 1.1);
    assertThat(periodic.getEvidence().get("bursts")).isGreaterThanOrEqualTo(3.0);
    assertThat(periodic.getEvidence().get("fleetFraction")).isBetween(0.45, 0.75);
    assertThat(periodic.getEvidence()).containsKey("fleetFractionTrend");
    assertThat(periodic.getSummary()).contains("every " + lifetimeMinutes + " min")
        .contains("add jitter to maxLifetime");
    assertThat(out).filteredOn(c -> c.getStatus() == CandidateStatus.RESOLVED).isEmpty();
  }

  @Test
  void shouldBridgeARecyclingThatDidNotBunch() {
    long lifetime = 12 * MIN;
    long syncAt = T0 + 2 * lifetime + 21 * SEC;
    long end = syncAt + 6 * lifetime;
    ConnectionScenario s = new ConnectionScenario(9, TARGET);
    List<Instance> fleet = s.fleet("frontend-api", "fapi", 30);
    // The third synchronised recycling spreads out (no burst): one interval is two periods long.
    s.bunchingRecycling(fleet, 6, lifetime, T0, end, syncAt, m -> m == 2 ? 0 : 0.6, 2 * SEC);
    s.idleNoise(fleet, 2, T0, end);

    List<IncidentCandidate> out = replay(s.records(), end);

    IncidentCandidate periodic = first(out, CandidateType.PERIODIC_CONNECTION_RECYCLING);
    assertThat(periodic.getTs()).isBetween(syncAt + 4 * lifetime, syncAt + 4 * lifetime + 30 * SEC);
    assertThat(periodic.getSeverity()).isEqualTo(Severity.WARNING);
    assertThat(periodic.getEvidence().get("periodSeconds")).isBetween(0.98 * 720, 1.02 * 720);
    assertThat(periodic.getEvidence().get("bursts")).isEqualTo(4.0);
    assertThat(periodic.getEvidence().get("missedBursts")).isEqualTo(1.0);
  }

  @Test
  void shouldEscalateWithARisingFleetFractionWhenBunchingWorsens() {
    long lifetime = 15 * MIN;
    long syncAt = T0 + 2 * lifetime + 3 * SEC;
    long end = syncAt + 8 * lifetime;
    ConnectionScenario s = new ConnectionScenario(7, TARGET);
    List<Instance> fleet = s.fleet("frontend-api", "fapi", 20);
    s.bunchingRecycling(fleet, 10, lifetime, T0, end, syncAt, m -> Math.min(0.95, 0.35 + 0.1 * m), 2 * SEC);
    s.idleNoise(fleet, 3, T0, end);

    List<IncidentCandidate> out = replay(s.records(), end);

    List<IncidentCandidate> periodic = ofType(out, CandidateType.PERIODIC_CONNECTION_RECYCLING);
    assertThat(periodic).extracting(IncidentCandidate::getStatus)
        .startsWith(CandidateStatus.OPEN, CandidateStatus.UPDATED);
    assertThat(periodic.get(0).getSeverity()).isEqualTo(Severity.WARNING);
    IncidentCandidate critical = periodic.stream().filter(c -> c.getSeverity() == Severity.CRITICAL).findFirst()
        .orElseThrow();
    assertThat(critical.getTs()).isLessThan(syncAt + 6 * lifetime);
    assertThat(critical.getEvidence().get("fleetFractionTrend")).isBetween(0.05, 0.15);
    assertThat(critical.getEvidence().get("fleetFraction")).isGreaterThanOrEqualTo(0.7);
    assertThat(critical.getSummary()).contains("rising");
    assertThat(first(out, CandidateType.CONNECTION_BURST).getSeverity()).isEqualTo(Severity.INFO);
    assertThat(ofType(out, CandidateType.CONNECTION_BURST)).extracting(IncidentCandidate::getSeverity)
        .contains(Severity.CRITICAL);
  }

  @Test
  void shouldResolveRecyclingWhenJitterIsAdded() {
    long lifetime = 10 * MIN;
    long syncAt = T0 + 2 * lifetime + 11 * SEC;
    long fixedAt = syncAt + 5 * lifetime - 30 * SEC;
    long end = fixedAt + 65 * MIN;
    ConnectionScenario s = new ConnectionScenario(8, TARGET);
    List<Instance> fleet = s.fleet("backend-api", "bapi", 12);
    s.bunchingRecycling(fleet, 10, lifetime, T0, fixedAt, syncAt, m -> 0.6, 2 * SEC);
    s.jitteredRecycling(fleet, 10, lifetime, fixedAt, end);

    List<IncidentCandidate> out = replay(s.records(), end);

    long lastBurst = syncAt + 4 * lifetime;
    List<IncidentCandidate> periodic = ofType(out, CandidateType.PERIODIC_CONNECTION_RECYCLING);
    assertThat(periodic.get(0).getStatus()).isEqualTo(CandidateStatus.OPEN);
    IncidentCandidate resolved = periodic.get(periodic.size() - 1);
    assertThat(resolved.getStatus()).isEqualTo(CandidateStatus.RESOLVED);
    assertThat(resolved.getId()).isEqualTo(periodic.get(0).getId());
    assertThat(resolved.getTs()).as("2.5 periods after the last burst, plus the hold-off")
        .isBetween(lastBurst + 25 * MIN + HOLD_OFF, lastBurst + 26 * MIN + HOLD_OFF);
    List<IncidentCandidate> bursts = ofType(out, CandidateType.CONNECTION_BURST);
    assertThat(bursts.get(bursts.size() - 1).getStatus()).isEqualTo(CandidateStatus.RESOLVED);
    assertThat(bursts.get(bursts.size() - 1).getTs()).as("40 min after the last burst, plus the hold-off")
        .isBetween(lastBurst + 40 * MIN + HOLD_OFF, lastBurst + 41 * MIN + HOLD_OFF);
  }

  @ParameterizedTest(name = "seed {0}: {1} instances, {2} failing")
  @CsvSource({"11, 12, 0.75", "12, 30, 0.3", "13, 6, 1.0"})
  void shouldRaiseAcquireFailuresWithinAMinuteWhenPoolsStallAfterMaintenance(long seed, int fleetSize,
      double share) {
    long maintenance = T0 + 40 * MIN + 13 * SEC;
    long restart = maintenance + 28 * MIN;
    long end = restart + 15 * MIN;
    ConnectionScenario s = new ConnectionScenario(seed, TARGET);
    List<Instance> fleet = s.fleet("backend-api", "bapi", fleetSize);
    s.jitteredRecycling(fleet, 10, 30 * MIN, T0, end);
    s.sporadicFailures(fleet, 4, T0, end);
    s.stalledPools(fleet, share, 10, maintenance, restart);

    List<IncidentCandidate> out = replay(s.records(), end);

    List<IncidentCandidate> failures = ofType(out, CandidateType.CONNECTION_FAILURES);
    assertThat(failures).isNotEmpty();
    IncidentCandidate open = failures.get(0);
    assertThat(open.getStatus()).isEqualTo(CandidateStatus.OPEN);
    assertThat(open.getTs()).as("within a minute of the onset").isBetween(maintenance, maintenance + 60 * SEC);
    assertThat(open.getSeverity()).isIn(Severity.WARNING, Severity.CRITICAL);
    assertThat(open.getEvidence().get("failures")).isGreaterThanOrEqualTo(5.0);
    assertThat(open.getEvidence().get("instances")).isGreaterThanOrEqualTo(2.0);
    assertThat(open.getEvidence().get("baseline")).isLessThan(1.0);
    assertThat(open.getSummary()).contains("acquire failures on " + TARGET).contains("backend-api");
    IncidentCandidate last = failures.get(failures.size() - 1);
    assertThat(last.getStatus()).isEqualTo(CandidateStatus.RESOLVED);
    assertThat(last.getTs()).as("2 min after the failures stop, plus the hold-off")
        .isBetween(restart + 2 * MIN + HOLD_OFF, restart + 3 * MIN + HOLD_OFF);
    assertThat(connectionCandidates(out, maintenance)).isEmpty();
  }

  @ParameterizedTest(name = "seed {0}: {1} instances, pool {2}, lifetime {3} min")
  @CsvSource({"31, 60, 20, 10", "32, 8, 5, 30", "33, 25, 10, 15"})
  void shouldStayQuietWhenRecyclingHasPerConnectionJitter(long seed, int fleetSize, int pool, int lifetimeMinutes) {
    long end = T0 + 2 * 60 * MIN;
    ConnectionScenario s = new ConnectionScenario(seed, TARGET);
    List<Instance> fleet = s.fleet("frontend-api", "fapi", fleetSize);
    s.jitteredRecycling(fleet, pool, lifetimeMinutes * MIN, T0, end);
    s.idleNoise(fleet, 4, T0, end);

    assertNothingAtWarningOrAbove(replay(s.records(), end));
  }

  @Test
  void shouldStayQuietWhenCronInstancesOpenManyConnectionsEveryTenFifteenAndThirtyMinutes() {
    long end = T0 + 3 * 60 * MIN;
    ConnectionScenario s = new ConnectionScenario(41, TARGET);
    List<Instance> fleet = s.fleet("checkout-api", "capi", 12);
    s.jitteredRecycling(fleet, 8, 20 * MIN, T0, end);
    List<Instance> crons = s.fleet("reports-cron", "cron", 3);
    s.cron(crons.get(0), 10 * MIN, 20, 30, T0 + 5 * MIN, end);
    s.cron(crons.get(1), 15 * MIN, 20, 30, T0 + 5 * MIN, end);
    s.cron(crons.get(2), 30 * MIN, 20, 30, T0 + 5 * MIN, end);

    List<IncidentCandidate> out = replay(s.records(), end);

    assertNothingAtWarningOrAbove(out);
    assertThat(ofType(out, CandidateType.PERIODIC_CONNECTION_RECYCLING)).isEmpty();
  }

  @ParameterizedTest(name = "seed {0}: {1} instances replaced over {2} min")
  @CsvSource({"51, 30, 4", "52, 10, 3", "53, 50, 2"})
  void shouldStayQuietDuringARollingDeploy(long seed, int fleetSize, int minutes) {
    long lifetime = 15 * MIN;
    long deploy = T0 + 40 * MIN;
    long end = T0 + 2 * 60 * MIN;
    ConnectionScenario s = new ConnectionScenario(seed, TARGET);
    List<Instance> old = s.fleet("frontend-api", "fapi-v1", fleetSize);
    s.bunchingRecycling(old, 10, lifetime, T0, deploy, Long.MAX_VALUE, m -> 0, 0);
    s.changeEvent(deploy, "DEPLOY", "frontend-api v2");
    List<Instance> replacements = s.rollingDeploy(old, "fapi-v2", 10, lifetime, deploy, minutes * MIN, end);
    s.idleNoise(replacements, 2, deploy, end);

    List<IncidentCandidate> out = replay(s.records(), end);

    assertNothingAtWarningOrAbove(out);
    assertThat(ofType(out, CandidateType.PERIODIC_CONNECTION_RECYCLING)).isEmpty();
  }

  @Test
  void shouldStayQuietWhenRequestSurgesEveryTenMinutesBringNoConnectionChurn() {
    long end = T0 + 2 * 60 * MIN;
    ConnectionScenario s = new ConnectionScenario(61, TARGET);
    List<Instance> fleet = s.fleet("frontend-api", "fapi", 24);
    s.jitteredRecycling(fleet, 10, 15 * MIN, T0, end);
    s.requestSurges(fleet, 10 * MIN, 5, T0, end);

    assertNothingAtWarningOrAbove(replay(s.records(), end));
  }

  @ParameterizedTest(name = "seed {0}: {1} instances, lifetime {2} min")
  @CsvSource({"71, 16, 15", "72, 8, 30", "73, 45, 10"})
  void shouldStayQuietBeforeTheSynchronisationBegins(long seed, int fleetSize, int lifetimeMinutes) {
    long end = T0 + 3 * 60 * MIN;
    ConnectionScenario s = new ConnectionScenario(seed, TARGET);
    List<Instance> fleet = s.fleet("frontend-api", "fapi", fleetSize);
    s.bunchingRecycling(fleet, 10, lifetimeMinutes * MIN, T0, end, Long.MAX_VALUE, m -> 0, 0);
    s.idleNoise(fleet, 2, T0, end);

    assertNothingAtWarningOrAbove(replay(s.records(), end));
  }

  @Test
  void shouldStayQuietWhenSingleInstancesFailNowAndThen() {
    long end = T0 + 2 * 60 * MIN;
    ConnectionScenario s = new ConnectionScenario(81, TARGET);
    List<Instance> fleet = s.fleet("backend-api", "bapi", 20);
    s.jitteredRecycling(fleet, 10, 30 * MIN, T0, end);
    s.sporadicFailures(fleet, 30, T0, end);

    assertThat(ofType(replay(s.records(), end), CandidateType.CONNECTION_FAILURES)).isEmpty();
  }

  @Test
  void shouldKeepWindowFiguresAndThePatternInTheStores() {
    long lifetime = 10 * MIN;
    long syncAt = T0 + 2 * lifetime + 2 * SEC;
    long end = syncAt + 4 * lifetime;
    ConnectionScenario s = new ConnectionScenario(91, TARGET);
    List<Instance> fleet = s.fleet("frontend-api", "fapi", 10);
    s.bunchingRecycling(fleet, 6, lifetime, T0, end, syncAt, m -> 0.8, SEC);

    try (OfflinePipeline p = pipeline(end)) {
      s.records().forEach(p::pipe);
      WindowStore<String, ConnectionWindowFigures> windows = p.driver().getWindowStore(StoreNames.CONNECTION_WINDOWS);
      List<ConnectionWindowFigures> figures = new ArrayList<>();
      try (WindowStoreIterator<ConnectionWindowFigures> it = windows.fetch(TARGET, Instant.ofEpochMilli(syncAt - MIN),
          Instant.ofEpochMilli(syncAt + MIN))) {
        it.forEachRemaining(kv -> figures.add(kv.value));
      }
      assertThat(figures).isNotEmpty().allMatch(f -> f.windowEnd() - f.windowStart() == 5 * SEC);
      assertThat(figures).filteredOn(ConnectionWindowFigures::burst).isNotEmpty()
          .allMatch(f -> f.spanOpeningInstances() >= 8 && f.fleetSize() == 10 && f.spanFleetFraction() >= 0.8);

      KeyValueStore<String, ConnectionPattern> patterns = p.driver().getKeyValueStore(StoreNames.CONNECTION_PATTERNS);
      ConnectionPattern pattern = patterns.get(TARGET);
      assertThat(pattern.periodSeconds()).isBetween(570.0, 630.0);
      assertThat(pattern.periodicSeverity()).isEqualTo(Severity.CRITICAL);
      assertThat(pattern.bursts()).hasSizeGreaterThanOrEqualTo(4);
      assertThat(pattern.fleetSize()).isEqualTo(10);
      KeyValueStore<String, ConnectionDetectorState> states =
          p.driver().getKeyValueStore(StoreNames.CONNECTION_DETECTOR_STATE);
      assertThat(states.get(TARGET).fleet()).hasSize(10);
    }
  }

  @Test
  void shouldCountRecordsThatArriveAfterTheirWindowClosed() {
    try (OfflinePipeline p = pipeline(T0 + MIN)) {
      p.pipe(open("fapi-1", T0));
      p.pipe(open("fapi-2", T0 + 20 * SEC));
      p.pipe(open("fapi-3", T0 + 3 * SEC));
      p.pipe(open("fapi-4", T0 + 16 * SEC));

      double late = p.metrics().registry().get("foreshock.late.records").tag("detector", "connections").counter()
          .count();
      assertThat(late).isEqualTo(1.0);
    }
  }

  @Test
  void shouldNameEveryProcessorAndStore() {
    String topology = new ForeshockTopology(ForeshockSettings.defaults(),
        new Topics(new AvroSerdes(new InMemorySchemaRegistry())), PipelineMetrics.inMemory(),
        Clock.fixed(BASE, ZoneOffset.UTC)).build(streamsProps()).describe().toString();

    assertThat(topology).contains("connection-detectors").contains(StoreNames.CONNECTION_WINDOWS)
        .contains(StoreNames.CONNECTION_PATTERNS).contains(StoreNames.CONNECTION_DETECTOR_STATE)
        .doesNotContain("KSTREAM-").doesNotContain("KTABLE-");
  }

  private static Properties streamsProps() {
    Properties props = new Properties();
    props.put(org.apache.kafka.streams.StreamsConfig.APPLICATION_ID_CONFIG, "connections-naming-test");
    props.put(org.apache.kafka.streams.StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    return props;
  }

  private static ConnectionEvent open(String instance, long ts) {
    return ConnectionEvent.newBuilder().setTs(ts).setService("frontend-api").setInstance(instance)
        .setTarget(TARGET).setEvent(ConnectionEventKind.OPENED).setReason(null).setCount(1).build();
  }

  private OfflinePipeline pipeline(long end) {
    return new OfflinePipeline(ForeshockSettings.defaults(), Clock.fixed(Instant.ofEpochMilli(end + 60 * MIN),
        ZoneOffset.UTC), BASE, stateDir);
  }

  private List<IncidentCandidate> replay(List<SpecificRecord> records, long end) {
    try (OfflinePipeline p = pipeline(end)) {
      records.forEach(p::pipe);
      return p.drainCandidates();
    }
  }

  private static List<IncidentCandidate> ofType(List<IncidentCandidate> out, CandidateType type) {
    return out.stream().filter(c -> c.getType() == type && c.getSubject().equals(TARGET)).toList();
  }

  private static IncidentCandidate first(List<IncidentCandidate> out, CandidateType type) {
    List<IncidentCandidate> all = ofType(out, type);
    assertThat(all).as("%s candidates in %s", type, out).isNotEmpty();
    return all.get(0);
  }

  private static List<IncidentCandidate> connectionCandidates(List<IncidentCandidate> out, long before) {
    return out.stream().filter(c -> CONNECTION_TYPES.contains(c.getType()) && c.getTs() < before).toList();
  }

  private static boolean warningOrAbove(IncidentCandidate c) {
    return c.getSeverity() != Severity.INFO;
  }

  private static void assertNothingAtWarningOrAbove(List<IncidentCandidate> out) {
    assertThat(out).filteredOn(c -> CONNECTION_TYPES.contains(c.getType()))
        .noneMatch(ConnectionDetectorsTest::warningOrAbove);
  }
}

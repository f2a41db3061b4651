package dev.foreshock.detect.connections;

import static dev.foreshock.detect.connections.ConnectionScenario.MIN;
import static dev.foreshock.detect.connections.ConnectionScenario.SEC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.ConnectionEventKind;
import dev.foreshock.avro.Severity;
import dev.foreshock.detect.CandidateSignal;
import dev.foreshock.json.JsonSerde;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TargetTrackerTest {

  private static final long T0 = 1_758_070_800_000L;
  private static final String TARGET = "redis-sessions";

  private final ConnectionSettings settings = ConnectionSettings.defaults();
  private final List<CandidateSignal> signals = new ArrayList<>();
  private final List<ConnectionWindowFigures> windows = new ArrayList<>();
  private final TargetTracker.Sink sink = new TargetTracker.Sink() {
    @Override
    public void window(ConnectionWindowFigures figures) {
      windows.add(figures);
    }

    @Override
    public void signal(CandidateSignal signal) {
      signals.add(signal);
    }
  };
  private final Random rnd = new Random(5);

  @Test
  void shouldJudgeABurstThatStraddlesAWindowBoundaryAsOne() {
    TargetTracker t = new TargetTracker(TARGET, settings);
    long at = background(t, 12, T0, T0 + 20 * MIN);
    long boundary = at - at % (5 * SEC) + 10 * SEC;
    for (int i = 0; i < 8; i++) {
      long ts = boundary - 2 * SEC + i * 500 + rnd.nextInt(100);
      t.add(ts, ConnectionEventKind.OPENED, "api-" + i, "search-api", 5);
    }
    close(t, boundary + MIN);

    List<CandidateSignal> bursts = ofType(CandidateType.CONNECTION_BURST);
    assertThat(bursts).hasSize(1);
    CandidateSignal burst = bursts.get(0);
    assertThat(burst.severity()).isEqualTo(Severity.WARNING);
    assertThat(burst.evidence().get("opens")).isGreaterThanOrEqualTo(40.0);
    assertThat(burst.evidence().get("instances")).isEqualTo(8.0);
    assertThat(burst.evidence().get("fleetSize")).isEqualTo(12.0);
    assertThat(burst.evidence().get("usualInstances")).isBetween(0.5, 2.0);
    double excess = 8 - burst.evidence().get("usualInstances");
    assertThat(burst.evidence().get("fleetFraction")).isCloseTo(excess / 12, within(0.001));
    assertThat(burst.windowStart()).isLessThanOrEqualTo(boundary - 2 * SEC);
    assertThat(burst.windowEnd()).isGreaterThanOrEqualTo(boundary + 2 * SEC);
    long opens = burst.evidence().get("opens").longValue();
    String within = TargetTracker.seconds(burst.windowEnd() - burst.windowStart());
    long baseline = Math.round(burst.evidence().get("baseline"));
    assertThat(burst.summary()).isEqualTo(Math.round(excess) + " of 12 instances of search-api opened " + opens
        + " connections to redis-sessions within " + within + " (baseline " + baseline + "): a fleet-wide"
        + " reconnect burst; check for synchronised pool recycling (add jitter to maxLifetime) or a mass restart.");
    // Neither window alone holds more than half of the burst; the span across the boundary holds it all.
    assertThat(windows).filteredOn(ConnectionWindowFigures::burst).singleElement()
        .satisfies(f -> assertThat(f.spanOpeningInstances()).isEqualTo(8))
        .satisfies(f -> assertThat(f.openingInstances()).isEqualTo(4));
  }

  @Test
  void shouldNotCallOneBusyInstanceABurst() {
    TargetTracker t = new TargetTracker(TARGET, settings);
    long at = background(t, 10, T0, T0 + 20 * MIN);
    t.add(at + 1_000, ConnectionEventKind.OPENED, "api-3", "search-api", 300);
    t.add(at + 2_000, ConnectionEventKind.OPENED, "api-4", "search-api", 1);
    close(t, at + MIN);

    assertThat(ofType(CandidateType.CONNECTION_BURST)).isEmpty();
  }

  @Test
  void shouldKeepEverythingINfoWhileTheFleetIsBeingDiscovered() {
    TargetTracker t = new TargetTracker(TARGET, settings);
    long at = background(t, 10, T0, T0 + 5 * MIN);
    for (int i = 0; i < 10; i++) {
      t.add(at + i * 100, ConnectionEventKind.OPENED, "api-" + i, "search-api", 5);
    }
    close(t, at + MIN);

    assertThat(ofType(CandidateType.CONNECTION_BURST)).singleElement()
        .satisfies(s -> assertThat(s.severity()).isEqualTo(Severity.INFO));
  }

  @Test
  void shouldRaiseFailuresAtTheCrossingSpanAndClearAfterTheyStop() {
    TargetTracker t = new TargetTracker(TARGET, settings);
    long onset = background(t, 6, T0, T0 + 20 * MIN) + 3 * SEC;
    long stop = onset + 5 * MIN;
    for (long ts = onset; ts < stop; ts += 1_000) {
      for (int i = 0; i < 4; i++) {
        t.add(ts + i * 50, ConnectionEventKind.ACQUIRE_FAILED, "api-" + i, "search-api", 2);
      }
      close(t, ts);
    }
    close(t, stop + 3 * MIN);

    List<CandidateSignal> failures = ofType(CandidateType.CONNECTION_FAILURES);
    assertThat(failures).hasSize(2);
    CandidateSignal open = failures.get(0);
    assertThat(open.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(open.ts()).isBetween(onset, onset + 15 * SEC);
    assertThat(open.onsetTs()).isBetween(onset - 5 * SEC, onset);
    assertThat(open.evidence().get("failures")).isGreaterThanOrEqualTo(8.0);
    assertThat(open.evidence().get("instances")).isEqualTo(4.0);
    assertThat(open.evidence().get("baseline")).isZero();
    CandidateSignal cleared = failures.get(1);
    assertThat(cleared.isActive()).isFalse();
    assertThat(cleared.ts()).as("2 min after the last span with failures").isBetween(stop + 2 * MIN,
        stop + 2 * MIN + 15 * SEC);
  }

  @Test
  void shouldResendAnOpenEpisodeWhileItLasts() {
    TargetTracker t = new TargetTracker(TARGET, settings);
    long onset = background(t, 8, T0, T0 + 20 * MIN);
    long stop = onset + 35 * MIN;
    for (long ts = onset; ts < stop; ts += 2_000) {
      for (int i = 0; i < 3; i++) {
        t.add(ts + i * 100, ConnectionEventKind.ACQUIRE_FAILED, "api-" + i, "search-api", 1);
      }
      close(t, ts);
    }

    List<CandidateSignal> failures = ofType(CandidateType.CONNECTION_FAILURES);
    assertThat(failures).hasSize(4).allMatch(CandidateSignal::isActive);
    assertThat(failures).extracting(CandidateSignal::onsetTs).containsOnly(failures.get(0).onsetTs());
    for (int i = 1; i < failures.size(); i++) {
      assertThat(failures.get(i).ts() - failures.get(i - 1).ts()).isBetween(10 * MIN, 10 * MIN + 10 * SEC);
      assertThat(failures.get(i).evidence()).isEqualTo(failures.get(0).evidence());
    }
  }

  @Test
  void shouldKeepThePeriodAcrossARestoreFromTheStores() {
    TargetTracker t = new TargetTracker(TARGET, settings);
    long first = background(t, 10, T0, T0 + 20 * MIN) + 30 * SEC;
    for (int k = 0; k < 2; k++) {
      long at = first + k * 10 * MIN;
      synchronisedRecycling(t, 10, 7, at);
      background(t, 10, at + 20 * SEC, at + 10 * MIN - 10 * SEC);
    }
    assertThat(ofType(CandidateType.PERIODIC_CONNECTION_RECYCLING)).isEmpty();

    JsonSerde<ConnectionDetectorState> stateSerde = new JsonSerde<>(ConnectionDetectorState.class);
    JsonSerde<ConnectionPattern> patternSerde = new JsonSerde<>(ConnectionPattern.class);
    ConnectionDetectorState state = stateSerde.deserializer().deserialize("t",
        stateSerde.serializer().serialize("t", t.state()));
    ConnectionPattern pattern = patternSerde.deserializer().deserialize("t",
        patternSerde.serializer().serialize("t", t.pattern()));
    assertThat(pattern.bursts()).hasSize(2);
    assertThat(state.fleet()).hasSize(10);
    TargetTracker restored = TargetTracker.restore(settings, state, pattern);

    long third = first + 20 * MIN;
    synchronisedRecycling(restored, 10, 7, third);
    close(restored, third + MIN);

    CandidateSignal periodic = ofType(CandidateType.PERIODIC_CONNECTION_RECYCLING).get(0);
    assertThat(periodic.severity()).isEqualTo(Severity.WARNING);
    assertThat(periodic.evidence().get("periodSeconds")).isBetween(590.0, 610.0);
    assertThat(periodic.evidence().get("bursts")).isEqualTo(3.0);
    assertThat(periodic.evidence().get("fleetFraction")).isBetween(0.6, 0.7);
    assertThat(periodic.summary()).startsWith("7 of 10 instances of search-api reopened connections to redis-sessions")
        .contains("every 10 min for the last 3 bursts");
    assertThat(restored.pattern().periodSeconds()).isBetween(590.0, 610.0);
  }

  @Test
  void shouldRefuseRecordsForWindowsAlreadyClosed() {
    TargetTracker t = new TargetTracker(TARGET, settings);
    assertThat(t.add(T0, ConnectionEventKind.OPENED, "api-1", "search-api", 1)).isTrue();
    t.closeUpTo(T0 + 10 * SEC, sink);
    assertThat(t.add(T0 + 9 * SEC, ConnectionEventKind.OPENED, "api-1", "search-api", 1)).isFalse();
    assertThat(t.add(T0 + 10 * SEC, ConnectionEventKind.OPENED, "api-1", "search-api", 1)).isTrue();
  }

  @Test
  void shouldWriteDurationsAsPeopleSayThem() {
    assertThat(TargetTracker.seconds(10_000)).isEqualTo("10 s");
    assertThat(TargetTracker.seconds(900_000)).isEqualTo("15 min");
    assertThat(TargetTracker.seconds(870_400)).isEqualTo("14 min 30 s");
    assertThat(TargetTracker.seconds(5_400_000)).isEqualTo("1 h 30 min");
  }

  @Test
  void shouldFitTheSlopeOfAStraightLine() {
    assertThat(TargetTracker.slope(new double[] {0.4, 0.5, 0.6, 0.7})).isCloseTo(0.1, within(1e-9));
    assertThat(TargetTracker.slope(new double[] {0.5})).isZero();
  }

  /** Each instance opens a connection now and then, as pools do; returns the end. */
  private long background(TargetTracker t, int instances, long from, long to) {
    for (long ts = from; ts < to; ts += 5_000 + rnd.nextInt(10_000)) {
      t.add(ts, ConnectionEventKind.OPENED, "api-" + rnd.nextInt(instances), "search-api", 1);
      close(t, ts);
    }
    return to;
  }

  private void synchronisedRecycling(TargetTracker t, int fleet, int synced, long at) {
    for (int i = 0; i < synced; i++) {
      t.add(at + rnd.nextInt(3_000), ConnectionEventKind.OPENED, "api-" + (fleet - 1 - i), "search-api", 8);
    }
    close(t, at + 20 * SEC);
  }

  /** Closes the windows that stream time {@code time} has passed, as the processor does (5 s grace). */
  private void close(TargetTracker t, long time) {
    long closable = time - 10 * SEC;
    t.closeUpTo(closable - Math.floorMod(closable, 5 * SEC) + 5 * SEC, sink);
  }

  private List<CandidateSignal> ofType(CandidateType type) {
    return signals.stream().filter(s -> s.type() == type).toList();
  }
}

package dev.foreshock.correlate;

import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.ConnectionEventKind;
import dev.foreshock.avro.Severity;
import dev.foreshock.detect.CandidateSignal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * A test scenario: signals (as a detector would send them, one per evaluation, with noisy
 * evidence), change events, dependencies and connection events, collected and then piped in
 * event-time order.
 */
final class Scenario {

  private record Event(long ts, long seq, Runnable action) {}

  private final CorrelationHarness harness;
  private final Random random;
  private final List<Event> events = new ArrayList<>();

  Scenario(CorrelationHarness harness, long seed) {
    this.harness = harness;
    this.random = new Random(seed);
  }

  /** {@code value * (1 +- spread)}, uniformly. */
  double noisy(double value, double spread) {
    return value * (1 + spread * (2 * random.nextDouble() - 1));
  }

  Random random() {
    return random;
  }

  Scenario at(Instant ts, Runnable action) {
    events.add(new Event(ts.toEpochMilli(), events.size(), action));
    return this;
  }

  Scenario active(CandidateType type, String subject, Severity severity, Instant ts, Duration window,
      Map<String, Double> evidence, Instant onset) {
    CandidateSignal s = CandidateSignal.active(type, subject, severity, ts.toEpochMilli(),
        ts.minus(window).toEpochMilli(), ts.toEpochMilli(), type + " on " + subject, evidence, onset.toEpochMilli());
    return at(ts, () -> harness.signal(s));
  }

  Scenario cleared(CandidateType type, String subject, Instant ts) {
    return at(ts, () -> harness.signal(CandidateSignal.cleared(type, subject, ts.toEpochMilli())));
  }

  /** One active signal every {@code every} (with up to 10% jitter) in [from, to). */
  Scenario stretch(CandidateType type, String subject, Instant from, Instant to, Duration every,
      Function<Instant, Severity> severity, Function<Instant, Map<String, Double>> evidence, Instant onset) {
    for (Instant t = from; t.isBefore(to); t = t.plus(every)) {
      Instant jittered = t.plusMillis((long) (random.nextDouble() * every.toMillis() * 0.1));
      active(type, subject, severity.apply(jittered), jittered, every, evidence.apply(jittered), onset);
    }
    return this;
  }

  Scenario change(Instant ts, String target, String kind, String description) {
    return at(ts, () -> harness.change(ts, target, kind, description));
  }

  Scenario declare(Instant ts, String service, String... dependsOn) {
    return at(ts, () -> harness.declare(ts, service, dependsOn));
  }

  /** Pool events of {@code instances} instances of {@code service} against {@code target}, every {@code every}. */
  Scenario connections(String service, int instances, String target, Instant from, Instant to, Duration every,
      ConnectionEventKind kind) {
    for (Instant t = from; t.isBefore(to); t = t.plus(every)) {
      for (int i = 1; i <= instances; i++) {
        Instant ts = t.plusMillis(random.nextInt((int) Math.max(1, every.toMillis() / 2)));
        String instance = service + "-" + i;
        at(ts, () -> harness.connection(ts, service, instance, target, kind));
      }
    }
    return this;
  }

  /** Pipes everything collected so far in event-time order. */
  void play() {
    events.sort(Comparator.comparingLong(Event::ts).thenComparingLong(Event::seq));
    events.forEach(e -> e.action().run());
    events.clear();
  }
}

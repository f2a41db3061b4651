package dev.foreshock.simulate;

import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.Severity;
import dev.foreshock.score.Labels;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The working state of one scenario being generated: its seeded random source, its start time,
 * the records so far, the drawn parameters, and the labels (the truth of what was generated).
 */
final class ScenarioBuilder {

  /** Scenarios start somewhere in 2025, always well in the past. */
  private static final Instant EARLIEST = Instant.parse("2025-01-06T00:00:00Z");
  private static final int START_DAYS = 300;

  static final long SECOND = 1_000L;
  static final long MINUTE = 60 * SECOND;
  static final long HOUR = 60 * MINUTE;
  static final long DAY = 24 * HOUR;

  final Random rnd;
  final String name;
  final long seed;
  final long start;
  final Timeline timeline = new Timeline();
  private final Map<String, Object> parameters = new LinkedHashMap<>();
  private final List<Labels.Expectation> expect = new ArrayList<>();
  private final LinkedHashSet<Labels.Allowed> allow = new LinkedHashSet<>();

  /**
   * @param maxDays the longest the scenario may run, so that it always ends within 2025
   */
  ScenarioBuilder(String name, long seed, int maxDays) {
    this.name = name;
    this.seed = seed;
    this.rnd = new Random(seed * 0x9E3779B97F4A7C15L ^ name.hashCode());
    long day = rnd.nextInt(Math.max(1, START_DAYS - maxDays));
    long second = rnd.nextInt(86_400);
    this.start = EARLIEST.toEpochMilli() + day * DAY + second * SECOND;
  }

  double between(double lo, double hi) {
    return Noise.between(rnd, lo, hi);
  }

  int between(int lo, int hiInclusive) {
    return Noise.between(rnd, lo, hiInclusive);
  }

  long betweenMs(Duration lo, Duration hi) {
    return Noise.betweenMs(rnd, lo.toMillis(), hi.toMillis());
  }

  /** Records a drawn parameter in the labels (so that a miss can be understood). */
  <T> T param(String key, T value) {
    parameters.put(key, value);
    return value;
  }

  void expect(CandidateType type, String subject, long notBefore, long deadline, Severity minSeverity, String note) {
    expect.add(new Labels.Expectation(type, subject, notBefore, deadline, minSeverity, null, note));
  }

  void expectGrowth(String resource, long notBefore, long deadline, Severity minSeverity, long exhaustsAt,
      String note) {
    expect.add(new Labels.Expectation(CandidateType.MEMORY_GROWTH, resource, notBefore, deadline, minSeverity,
        exhaustsAt, note));
  }

  void allow(CandidateType type, String subject, String note) {
    allow.add(new Labels.Allowed(type, subject, note));
  }

  void allowAll(CandidateType type, List<String> subjects, String note) {
    for (String s : subjects) {
      allow(type, s, note);
    }
  }

  /** Rounds to three decimals, for parameters in the labels. */
  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  /** A fraction as a whole percentage, e.g. {@code 42%}. */
  static String pct(double fraction) {
    return String.format(Locale.ROOT, "%.0f%%", fraction * 100);
  }

  /** The finished scenario; the quiet stretch is the whole run, at most INFO. */
  SimulatedScenario build(long lastMs) {
    long end = (lastMs + SECOND - 1) / SECOND * SECOND;
    List<Labels.Expectation> sorted = new ArrayList<>(expect);
    sorted.sort(Comparator.comparingLong(Labels.Expectation::notBefore));
    Labels labels = new Labels(name, seed, parameters, sorted, new ArrayList<>(allow),
        new Labels.Quiet(start, end, Severity.INFO));
    return new SimulatedScenario(name, seed, start, end, timeline.inFileOrder(rnd), labels);
  }
}

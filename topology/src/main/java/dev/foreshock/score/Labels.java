package dev.foreshock.score;

import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.Severity;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A scenario's truth (contract section 4): what a detector is expected to find and by when
 * ({@code expect}), which candidates are legitimate side effects ({@code allow}), and the stretch
 * in which anything else above {@code quiet.maxSeverity} is a false alarm.
 *
 * <p>{@code scenario}, {@code seed} and {@code parameters} are additions to the contract's format:
 * they say which scenario and draw the labels describe; scoring ignores them.
 *
 * @param scenario the scenario name, or null
 * @param seed the seed it was generated with, or null
 * @param parameters the drawn parameters (fleet sizes, periods, limits...), in insertion order
 */
public record Labels(
    String scenario,
    Long seed,
    Map<String, Object> parameters,
    List<Expectation> expect,
    List<Allowed> allow,
    Quiet quiet) {

  public Labels {
    parameters = parameters == null ? Map.of() : Collections.unmodifiableMap(
        new LinkedHashMap<>(parameters));
    expect = expect == null ? List.of() : List.copyOf(expect);
    allow = allow == null ? List.of() : List.copyOf(allow);
  }

  /**
   * One thing a detector must find.
   *
   * @param notBefore the earliest event time at which a candidate counts (the true onset)
   * @param deadline the latest event time at which a candidate counts
   * @param minSeverity the least severity that counts
   * @param exhaustsAt for growth: when the resource truly reaches its limit (null otherwise)
   * @param note what happened, in words (an addition to the contract; may be null)
   */
  public record Expectation(CandidateType type, String subject, long notBefore, long deadline,
      Severity minSeverity, Long exhaustsAt, String note) {

    public Expectation {
      if (deadline < notBefore) {
        throw new IllegalArgumentException("deadline " + deadline + " is before notBefore " + notBefore
            + " for " + type + " " + subject);
      }
    }

    Expectation shifted(long deltaMs) {
      return new Expectation(type, subject, notBefore + deltaMs, deadline + deltaMs, minSeverity,
          exhaustsAt == null ? null : exhaustsAt + deltaMs, note);
    }
  }

  /** A (type, subject) whose candidates are legitimate side effects, never false alarms. */
  public record Allowed(CandidateType type, String subject, String note) {}

  /** The stretch in which unexpected candidates above {@code maxSeverity} are false alarms. */
  public record Quiet(long from, long to, Severity maxSeverity) {

    Quiet shifted(long deltaMs) {
      return new Quiet(from + deltaMs, to + deltaMs, maxSeverity);
    }
  }

  /** The same labels with every time moved by {@code deltaMs}. */
  public Labels shifted(long deltaMs) {
    return new Labels(scenario, seed, parameters, expect.stream().map(e -> e.shifted(deltaMs)).toList(), allow,
        quiet == null ? null : quiet.shifted(deltaMs));
  }

  /** True if candidates of this type and subject are expected or allowed. */
  public boolean covers(CandidateType type, String subject) {
    return expect.stream().anyMatch(e -> e.type() == type && e.subject().equals(subject))
        || allow.stream().anyMatch(a -> a.type() == type && a.subject().equals(subject));
  }
}

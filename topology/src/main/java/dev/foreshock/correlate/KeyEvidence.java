package dev.foreshock.correlate;

import dev.foreshock.avro.CandidateType;
import java.util.List;
import java.util.Map;

/**
 * Which evidence of each candidate type matters to a person on call, and how much it must move
 * (against the last emitted record, so slow drift adds up) before an UPDATED is worth sending.
 * A relative threshold r is symmetric: {@code |new - old| >= r * max(|new|, |old|)}. Time to
 * exhaustion is a countdown, so it is compared as a deadline: a steady trend, whose projected
 * exhaustion stays put, sends nothing however much the seconds left shrink.
 *
 * <table>
 *   <tr><th>type</th><th>material change</th></tr>
 *   <tr><td>CONNECTION_BURST</td><td>fleetFraction by 0.15; opens by 100%</td></tr>
 *   <tr><td>PERIODIC_CONNECTION_RECYCLING</td><td>periodSeconds by 10%; fleetFraction by 0.15</td></tr>
 *   <tr><td>CONNECTION_FAILURES</td><td>failures by 100%; instances by 50%</td></tr>
 *   <tr><td>MEMORY_GROWTH, MEMORY_RAPID_RISE</td><td>the projected exhaustion time ({@code ts +
 *     secondsToExhaustion}) moves earlier by 25% of the time left, or the time left doubles;
 *     usedFraction by 0.10</td></tr>
 *   <tr><td>ERROR_RATE_SPIKE</td><td>errorRatio by 50%</td></tr>
 *   <tr><td>TELEMETRY_GAP</td><td>silentSeconds by 100%</td></tr>
 * </table>
 *
 * Incidents change materially when members join or resolve; every type when its severity, its
 * related ids or its first probable cause change.
 */
final class KeyEvidence {

  /** How a threshold compares two values. */
  enum Kind { ABSOLUTE, RELATIVE, DEADLINE }

  /** A threshold on one evidence key. */
  record Threshold(String key, double amount, Kind kind) {}

  private KeyEvidence() {}

  static List<Threshold> of(CandidateType type) {
    return switch (type) {
      case CONNECTION_BURST -> List.of(abs("fleetFraction", 0.15), rel("opens", 1.0));
      case PERIODIC_CONNECTION_RECYCLING -> List.of(rel("periodSeconds", 0.10), abs("fleetFraction", 0.15));
      case CONNECTION_FAILURES -> List.of(rel("failures", 1.0), rel("instances", 0.5));
      case MEMORY_GROWTH, MEMORY_RAPID_RISE -> List.of(deadline("secondsToExhaustion", 0.25), abs("usedFraction", 0.10));
      case ERROR_RATE_SPIKE -> List.of(rel("errorRatio", 0.5));
      case TELEMETRY_GAP -> List.of(rel("silentSeconds", 1.0));
      case INCIDENT -> List.of(abs("members", 1.0), abs("activeMembers", 1.0));
    };
  }

  /**
   * Whether {@code now} (at event time {@code nowTs}) differs materially from {@code emitted}, the
   * evidence last sent at {@code emittedTs}.
   */
  static boolean changed(CandidateType type, Map<String, Double> emitted, long emittedTs, Map<String, Double> now,
      long nowTs) {
    for (Threshold t : of(type)) {
      Double before = emitted.get(t.key());
      Double after = now.get(t.key());
      if (after == null) {
        continue;
      }
      if (before == null) {
        return true;
      }
      boolean material = switch (t.kind()) {
        case ABSOLUTE -> Math.abs(after - before) >= t.amount();
        // symmetric: 50% means a factor of 2 up or down, so noise around a level cannot flip
        // between a low and a high emitted value
        case RELATIVE -> Math.abs(after - before) >= t.amount() * Math.max(Math.max(Math.abs(before), Math.abs(after)), 1e-9);
        // a countdown: what matters is when the limit will be reached, not that time passes
        case DEADLINE -> deadlineMoved(before, emittedTs, after, nowTs, t.amount());
      };
      if (material) {
        return true;
      }
    }
    return false;
  }

  /**
   * A countdown moved materially when the limit is now expected earlier by {@code share} of the time
   * left, or when the time left has doubled (the trend eased). A plateau that keeps saying "30 s
   * left" for half an hour is not news.
   */
  private static boolean deadlineMoved(double before, long emittedTs, double after, long nowTs, double share) {
    double earlier = (emittedTs + before * 1000) - (nowTs + after * 1000);
    return earlier > 0 ? earlier >= share * after * 1000 : after >= 2 * before;
  }

  private static Threshold rel(String key, double amount) {
    return new Threshold(key, amount, Kind.RELATIVE);
  }

  private static Threshold abs(String key, double amount) {
    return new Threshold(key, amount, Kind.ABSOLUTE);
  }

  private static Threshold deadline(String key, double amount) {
    return new Threshold(key, amount, Kind.DEADLINE);
  }
}

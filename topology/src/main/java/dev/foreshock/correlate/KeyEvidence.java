package dev.foreshock.correlate;

import dev.foreshock.avro.CandidateType;
import java.util.List;
import java.util.Map;

/**
 * Which evidence of each candidate type matters to a person on call, and how much it must move
 * (against the last emitted record, so slow drift adds up) before an UPDATED is worth sending.
 * A relative threshold r is symmetric: {@code |new - old| >= r * max(|new|, |old|)}.
 *
 * <table>
 *   <tr><th>type</th><th>material change</th></tr>
 *   <tr><td>CONNECTION_BURST</td><td>fleetFraction by 0.15; opens by 100%</td></tr>
 *   <tr><td>PERIODIC_CONNECTION_RECYCLING</td><td>periodSeconds by 10%; fleetFraction by 0.15</td></tr>
 *   <tr><td>CONNECTION_FAILURES</td><td>failures by 100%; instances by 50%</td></tr>
 *   <tr><td>MEMORY_GROWTH, MEMORY_RAPID_RISE</td><td>secondsToExhaustion by 25%; usedFraction by 0.10</td></tr>
 *   <tr><td>ERROR_RATE_SPIKE</td><td>errorRatio by 50%</td></tr>
 *   <tr><td>TELEMETRY_GAP</td><td>silentSeconds by 100%</td></tr>
 * </table>
 *
 * Incidents change materially when members join or resolve; every type when its severity, its
 * related ids or its first probable cause change.
 */
final class KeyEvidence {

  /** A threshold on one evidence key: relative (fraction of the old value) or absolute. */
  record Threshold(String key, double amount, boolean relative) {}

  private KeyEvidence() {}

  static List<Threshold> of(CandidateType type) {
    return switch (type) {
      case CONNECTION_BURST -> List.of(abs("fleetFraction", 0.15), rel("opens", 1.0));
      case PERIODIC_CONNECTION_RECYCLING -> List.of(rel("periodSeconds", 0.10), abs("fleetFraction", 0.15));
      case CONNECTION_FAILURES -> List.of(rel("failures", 1.0), rel("instances", 0.5));
      case MEMORY_GROWTH, MEMORY_RAPID_RISE -> List.of(rel("secondsToExhaustion", 0.25), abs("usedFraction", 0.10));
      case ERROR_RATE_SPIKE -> List.of(rel("errorRatio", 0.5));
      case TELEMETRY_GAP -> List.of(rel("silentSeconds", 1.0));
      case INCIDENT -> List.of(abs("members", 1.0), abs("activeMembers", 1.0));
    };
  }

  /** Whether {@code now} differs materially from {@code emitted}, the evidence last sent. */
  static boolean changed(CandidateType type, Map<String, Double> emitted, Map<String, Double> now) {
    for (Threshold t : of(type)) {
      Double before = emitted.get(t.key());
      Double after = now.get(t.key());
      if (after == null) {
        continue;
      }
      if (before == null) {
        return true;
      }
      double delta = Math.abs(after - before);
      // relative changes are symmetric: 50% means a factor of 2 up or down, so noise around a
      // level cannot flip between a low and a high emitted value
      double limit = t.relative() ? t.amount() * Math.max(Math.max(Math.abs(before), Math.abs(after)), 1e-9) : t.amount();
      if (delta >= limit) {
        return true;
      }
    }
    return false;
  }

  private static Threshold rel(String key, double amount) {
    return new Threshold(key, amount, true);
  }

  private static Threshold abs(String key, double amount) {
    return new Threshold(key, amount, false);
  }
}

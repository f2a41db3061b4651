package dev.foreshock.correlate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Ranks change events as probable causes of a candidate or an incident. A change counts when its
 * target is one of the subjects ({@code direct}) or a dependency/dependant of one ({@code indirect}),
 * and its time lies in some onset's window: from {@code onset - lookback} to
 * {@code onset + lookback/24} (changes are sometimes logged a little late). Its score is
 *
 * <pre>closeness x kind x relation
 *   closeness = 1 / (1 + d / (lookback / 12)), d = onset - ts (d after the onset counts three times)
 *   kind      = 1.0 DEPLOY, UPGRADE, MAINTENANCE, CONFIG; 0.8 ROLLBACK; 0.6 other; 0.4 SCALE
 *   relation  = 1.0 direct, 0.6 indirect</pre>
 *
 * <p>taking the best score over the onsets (an incident has one per member). For a growth trend the
 * onset is the detector's estimate of when the growth began, so a deploy weeks before exhaustion
 * but minutes before the growth began ranks first. Ties go to the change nearer its onset.
 */
final class CauseRanker {

  /** Reads the changes of one target with {@code from <= ts <= to}. */
  interface ChangeSource {
    List<ChangeRecord> changes(String target, long from, long to);
  }

  /** One onset to rank against, with the look-back of its candidate type. */
  record Onset(long ts, Duration lookback) {}

  static final double INDIRECT = 0.6;

  private final ChangeSource source;

  CauseRanker(ChangeSource source) {
    this.source = source;
  }

  /** The best {@code max} causes, most likely first, in the contract's short form. */
  List<String> rank(Collection<String> direct, Collection<String> indirect, List<Onset> onsets, int max) {
    if (max == 0 || onsets.isEmpty()) {
      return List.of();
    }
    long from = Long.MAX_VALUE;
    long to = Long.MIN_VALUE;
    for (Onset o : onsets) {
      from = Math.min(from, o.ts() - o.lookback().toMillis());
      to = Math.max(to, o.ts() + CorrelationSettings.afterOnset(o.lookback()).toMillis());
    }
    Map<ChangeRecord, Scored> best = new HashMap<>();
    for (String target : direct) {
      collect(target, 1.0, from, to, onsets, best);
    }
    for (String target : indirect) {
      if (!direct.contains(target)) {
        collect(target, INDIRECT, from, to, onsets, best);
      }
    }
    List<Scored> ranked = new ArrayList<>(best.values());
    ranked.sort(Comparator.comparingDouble(Scored::score).reversed()
        .thenComparingLong(Scored::distance)
        .thenComparing(s -> s.change().format()));
    List<String> causes = new ArrayList<>(Math.min(max, ranked.size()));
    for (int i = 0; i < ranked.size() && i < max; i++) {
      causes.add(ranked.get(i).change().format());
    }
    return causes;
  }

  private void collect(String target, double relation, long from, long to, List<Onset> onsets, Map<ChangeRecord, Scored> best) {
    for (ChangeRecord change : source.changes(target, from, to)) {
      for (Onset onset : onsets) {
        long lookback = onset.lookback().toMillis();
        long after = CorrelationSettings.afterOnset(onset.lookback()).toMillis();
        if (change.ts() < onset.ts() - lookback || change.ts() > onset.ts() + after) {
          continue;
        }
        long d = onset.ts() - change.ts();
        long distance = d >= 0 ? d : -3 * d;
        double closeness = 1.0 / (1.0 + distance / Math.max(1.0, lookback / 12.0));
        double score = closeness * kindWeight(change.kind()) * relation;
        Scored previous = best.get(change);
        if (previous == null || score > previous.score()) {
          best.put(change, new Scored(change, score, distance));
        }
      }
    }
  }

  static double kindWeight(String kind) {
    return switch (kind) {
      case "DEPLOY", "UPGRADE", "MAINTENANCE", "CONFIG" -> 1.0;
      case "ROLLBACK" -> 0.8;
      case "SCALE" -> 0.4;
      default -> 0.6;
    };
  }

  private record Scored(ChangeRecord change, double score, long distance) {}
}

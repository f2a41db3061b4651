package dev.foreshock.simulate;

import dev.foreshock.runtime.TelemetryRouting;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.avro.specific.SpecificRecord;

/**
 * Scenarios replayed side by side, as {@code foreshock demo} plays them: each generated with the
 * same seed and shifted so that all end at the same instant, then merged by event time.
 */
public final class SideBySide {

  /** What the demo replays: the four seed incidents and the quiet baseline. */
  public static final List<String> DEMO = List.of(
      SlowLeakScenario.NAME, SyncRecyclingScenario.NAME, PoolStallScenario.NAME, RapidRiseScenario.NAME,
      QuietBaselineScenario.NAME);

  private SideBySide() {
  }

  /**
   * Generates each of {@code names} for {@code seed}, shifted to end at {@code end} (within the
   * second that shifting keeps whole).
   */
  public static List<SimulatedScenario> endingAt(List<String> names, long seed, Instant end) {
    List<SimulatedScenario> placed = new ArrayList<>(names.size());
    for (String name : names) {
      placed.add(Scenarios.generate(name, seed).shiftedToEndAt(end));
    }
    return placed;
  }

  /**
   * The records of all scenarios merged by event time, each scenario's own order kept (it holds
   * the small out-of-order shuffles of real producers); ties go to the earlier scenario.
   */
  public static List<SpecificRecord> merge(List<SimulatedScenario> scenarios) {
    List<SpecificRecord> merged = new ArrayList<>();
    int[] next = new int[scenarios.size()];
    PriorityQueue<Integer> heads = new PriorityQueue<>(
        Comparator.comparingLong((Integer i) -> eventTime(scenarios.get(i).records().get(next[i])))
            .thenComparingInt(i -> i));
    for (int i = 0; i < scenarios.size(); i++) {
      if (!scenarios.get(i).records().isEmpty()) {
        heads.add(i);
      }
    }
    while (!heads.isEmpty()) {
      int i = heads.poll();
      List<SpecificRecord> records = scenarios.get(i).records();
      merged.add(records.get(next[i]++));
      if (next[i] < records.size()) {
        heads.add(i);
      }
    }
    return merged;
  }

  private static long eventTime(SpecificRecord r) {
    Long ts = TelemetryRouting.of(r).timestamp();
    return ts == null ? Long.MIN_VALUE : ts; // dependencies without a time come first
  }
}

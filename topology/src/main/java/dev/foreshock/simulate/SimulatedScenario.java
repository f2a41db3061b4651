package dev.foreshock.simulate;

import dev.foreshock.avro.ChangeEvent;
import dev.foreshock.avro.ConnectionEvent;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.avro.ServiceDependencies;
import dev.foreshock.json.JsonLines;
import dev.foreshock.score.Labels;
import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * One generated scenario: its telemetry records in file order (mostly, not strictly, in time
 * order, as the contract allows) and its labels, the truth of what the generator did.
 *
 * @param startMs event time of the first moment the scenario covers
 * @param endMs event time just after the last record
 */
public record SimulatedScenario(String name, long seed, long startMs, long endMs, List<SpecificRecord> records,
    Labels labels) {

  public SimulatedScenario {
    records = List.copyOf(records);
  }

  /**
   * The same scenario moved in time so that it ends at {@code end} (whole seconds kept): for a
   * demo whose data must be recent but never ahead of the wall clock.
   */
  public SimulatedScenario shiftedToEndAt(Instant end) {
    long delta = end.toEpochMilli() - endMs;
    delta -= Math.floorMod(delta, 1_000L);
    return shifted(delta);
  }

  /** The same scenario with every time moved by {@code deltaMs}. */
  public SimulatedScenario shifted(long deltaMs) {
    List<SpecificRecord> moved = new ArrayList<>(records.size());
    for (SpecificRecord r : records) {
      moved.add(shift(r, deltaMs));
    }
    return new SimulatedScenario(name, seed, startMs + deltaMs, endMs + deltaMs, moved, labels.shifted(deltaMs));
  }

  /** Writes the records as contract JSON lines, one per line. */
  public void writeJsonLines(Writer out) throws IOException {
    JsonLines json = new JsonLines();
    for (SpecificRecord r : records) {
      out.write(json.format(r));
      out.write('\n');
    }
  }

  private static SpecificRecord shift(SpecificRecord r, long d) {
    // Field-by-field copies: Avro's copy builders deep-copy through reflection, which its class
    // security check refuses for the generated enums.
    if (r instanceof ConnectionEvent e) {
      return new ConnectionEvent(e.getTs() + d, e.getService(), e.getInstance(), e.getTarget(), e.getEvent(),
          e.getReason(), e.getCount());
    } else if (r instanceof MemorySample m) {
      return new MemorySample(m.getTs() + d, m.getResource(), m.getHost(), m.getUsedBytes(), m.getMaxBytes());
    } else if (r instanceof RequestStats s) {
      return new RequestStats(s.getTs() + d, s.getService(), s.getInstance(), s.getIntervalMs(), s.getRequests(),
          s.getErrors());
    } else if (r instanceof ChangeEvent c) {
      return new ChangeEvent(c.getTs() + d, c.getTarget(), c.getKind(), c.getDescription());
    } else if (r instanceof ServiceDependencies s) {
      return new ServiceDependencies(s.getService(), s.getDependsOn(), s.getTs() == null ? null : s.getTs() + d);
    }
    throw new IllegalArgumentException("not a telemetry record: " + r.getSchema().getFullName());
  }
}

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
    if (r instanceof ConnectionEvent e) {
      return ConnectionEvent.newBuilder(e).setTs(e.getTs() + d).build();
    } else if (r instanceof MemorySample m) {
      return MemorySample.newBuilder(m).setTs(m.getTs() + d).build();
    } else if (r instanceof RequestStats s) {
      return RequestStats.newBuilder(s).setTs(s.getTs() + d).build();
    } else if (r instanceof ChangeEvent c) {
      return ChangeEvent.newBuilder(c).setTs(c.getTs() + d).build();
    } else if (r instanceof ServiceDependencies s) {
      return ServiceDependencies.newBuilder(s).setTs(s.getTs() == null ? null : s.getTs() + d).build();
    }
    throw new IllegalArgumentException("not a telemetry record: " + r.getSchema().getFullName());
  }
}

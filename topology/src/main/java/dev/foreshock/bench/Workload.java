package dev.foreshock.bench;

import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.simulate.Scenario;
import dev.foreshock.simulate.Scenarios;
import dev.foreshock.simulate.SimulatedScenario;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;

/**
 * The telemetry the benchmark replays: the simulator's scenarios (the four seed incidents, their
 * negative controls and the quiet baseline, each with its background fleet), one after another in
 * event time with a new seed each round, until there are enough records. Realistic in mix, keys,
 * rates and noise, and it makes the detectors fire (so the correlation stage works too).
 */
public final class Workload {

  private Workload() {}

  /**
   * At least... exactly {@code events} records (the last scenario is cut), in file order, ending
   * just before {@code endMs}.
   */
  public static List<SpecificRecord> scenarios(long events, long seed, long endMs) {
    List<SimulatedScenario> parts = new ArrayList<>();
    long total = 0;
    long offset = 0;
    List<Scenario> all = Scenarios.all();
    for (int round = 0; total < events; round++) {
      Scenario scenario = all.get(round % all.size());
      SimulatedScenario s = scenario.generate(seed + round);
      long shift = offset - s.startMs();
      SimulatedScenario moved = s.shifted(shift);
      parts.add(moved);
      offset = moved.endMs() + 60_000L;
      total += moved.records().size();
    }
    long delta = endMs - offset;
    delta -= Math.floorMod(delta, 1_000L);
    List<SpecificRecord> records = new ArrayList<>((int) Math.min(events, Integer.MAX_VALUE));
    for (SimulatedScenario part : parts) {
      for (SpecificRecord r : part.shifted(delta).records()) {
        if (records.size() == events) {
          return records;
        }
        records.add(r);
      }
    }
    return records;
  }

  /**
   * {@code keys} distinct keys, {@code perKey} records each, half memory resources and half
   * request-reporting instances (spread over services of 100 instances): the state every detector
   * keeps per resource, service and instance. Times from {@code startMs}, every 10 s per key.
   */
  public static List<SpecificRecord> distinctKeys(int keys, int perKey, long startMs, long seed) {
    Random rnd = new Random(seed);
    List<SpecificRecord> records = new ArrayList<>(keys * perKey);
    int resources = keys / 2;
    int instances = keys - resources;
    for (int round = 0; round < perKey; round++) {
      long ts = startMs + round * 10_000L;
      for (int i = 0; i < resources; i++) {
        long max = 4L << 30;
        long used = (long) (max * (0.3 + 0.05 * rnd.nextDouble()));
        records.add(new MemorySample(ts + rnd.nextInt(1_000), "bench-cache-" + i, "host-" + i, used, max));
      }
      for (int i = 0; i < instances; i++) {
        long requests = 200 + rnd.nextInt(100);
        records.add(new RequestStats(ts + rnd.nextInt(1_000), "bench-svc-" + (i / 100), "bench-svc-" + (i / 100)
            + "-" + (i % 100), 10_000L, requests, (long) rnd.nextInt(2)));
      }
    }
    return records;
  }
}

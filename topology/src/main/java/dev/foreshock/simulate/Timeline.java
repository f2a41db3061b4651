package dev.foreshock.simulate;

import dev.foreshock.avro.ChangeEvent;
import dev.foreshock.avro.ConnectionEvent;
import dev.foreshock.avro.ConnectionEventKind;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.avro.ServiceDependencies;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;

/**
 * Collects a scenario's records with their event times and puts them in file order: by time, with
 * a small share of lines arriving a few seconds late (as from producers that batch or retry).
 */
final class Timeline {

  /** Share of lines that arrive late, and by at most how much. */
  static final double LATE_SHARE = 0.06;
  static final long MAX_LATENESS_MS = 4_000;

  private final List<SpecificRecord> records = new ArrayList<>();
  private long[] times = new long[1024];

  void add(long ts, SpecificRecord record) {
    if (records.size() == times.length) {
      times = Arrays.copyOf(times, times.length * 2);
    }
    times[records.size()] = ts;
    records.add(record);
  }

  int size() {
    return records.size();
  }

  void connection(long ts, String service, String instance, String target, ConnectionEventKind kind, String reason,
      int count) {
    add(ts, ConnectionEvent.newBuilder().setTs(ts).setService(service).setInstance(instance).setTarget(target)
        .setEvent(kind).setReason(reason).setCount(count).build());
  }

  void memory(long ts, String resource, String host, long usedBytes, Long maxBytes) {
    add(ts, MemorySample.newBuilder().setTs(ts).setResource(resource).setHost(host).setUsedBytes(usedBytes)
        .setMaxBytes(maxBytes).build());
  }

  void requests(long ts, String service, String instance, long intervalMs, long requests, long errors) {
    add(ts, RequestStats.newBuilder().setTs(ts).setService(service).setInstance(instance).setIntervalMs(intervalMs)
        .setRequests(requests).setErrors(errors).build());
  }

  void change(long ts, String target, String kind, String description) {
    add(ts, ChangeEvent.newBuilder().setTs(ts).setTarget(target).setKind(kind).setDescription(description).build());
  }

  void dependencies(long ts, String service, List<String> dependsOn) {
    add(ts, ServiceDependencies.newBuilder().setService(service).setDependsOn(dependsOn).setTs(ts).build());
  }

  /**
   * The records in file order: sorted by event time plus a lateness that is zero for most lines
   * and up to {@link #MAX_LATENESS_MS} for a few; ties keep the order of {@link #add}.
   */
  List<SpecificRecord> inFileOrder(Random rnd) {
    int n = records.size();
    long[] keys = new long[n];
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      long late = rnd.nextDouble() < LATE_SHARE ? 1 + (long) (rnd.nextDouble() * MAX_LATENESS_MS) : 0;
      keys[i] = times[i] + late;
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> keys[a] != keys[b] ? Long.compare(keys[a], keys[b]) : Integer.compare(a, b));
    List<SpecificRecord> out = new ArrayList<>(n);
    for (Integer i : order) {
      out.add(records.get(i));
    }
    return out;
  }
}

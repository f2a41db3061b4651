package dev.foreshock.detect.connections;

import dev.foreshock.avro.ChangeEvent;
import dev.foreshock.avro.ConnectionEvent;
import dev.foreshock.avro.ConnectionEventKind;
import dev.foreshock.avro.RequestStats;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntToDoubleFunction;
import org.apache.avro.specific.SpecificRecord;

/**
 * Generated connection telemetry for one target, in the shapes of the seed reports: pools that
 * recycle whole at their own phase and then bunch (001), per-connection jittered recycling,
 * cron instances, rolling deploys, request surges, acquire failures after maintenance (002).
 * Everything comes from one seeded {@link Random}; each instance's clock is off by up to ±1 s and
 * records arrive up to 1.5 s out of order.
 */
final class ConnectionScenario {

  static final long SEC = 1_000;
  static final long MIN = 60 * SEC;

  record Instance(String service, String name) {}

  private record Timed(long arrival, SpecificRecord record) {}

  final Random rnd;
  final String target;
  private final List<Timed> records = new ArrayList<>();
  private final Map<String, Long> clockSkew = new HashMap<>();

  ConnectionScenario(long seed, String target) {
    this.rnd = new Random(seed);
    this.target = target;
  }

  /** {@code n} instances of {@code service}, named {@code prefix-0} .. {@code prefix-(n-1)}. */
  List<Instance> fleet(String service, String prefix, int n) {
    List<Instance> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Instance inst = new Instance(service, prefix + "-" + i);
      clockSkew.put(inst.name(), (long) (rnd.nextInt(2001) - 1000));
      out.add(inst);
    }
    return out;
  }

  /**
   * Pools recycled whole every {@code lifetime} (no jitter), as in seed 001. Before {@code syncAt}
   * each instance keeps its own phase, spread over the lifetime (the quiet stretch); from
   * {@code syncAt} on, in the m-th cycle a share {@code synced(m)} of the fleet (always the same
   * instances first) recycles within ±{@code jitterMs} of {@code syncAt + m × lifetime}; the rest
   * keep their phase. Pass {@code syncAt = Long.MAX_VALUE} for no bunching.
   */
  void bunchingRecycling(List<Instance> fleet, int pool, long lifetime, long from, long to, long syncAt,
      IntToDoubleFunction synced, long jitterMs) {
    int n = fleet.size();
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    Collections.shuffle(order, rnd);
    long[] phase = new long[n];
    for (int slot = 0; slot < n; slot++) {
      phase[order.get(slot)] = from + (long) ((slot + 0.1 + 0.8 * rnd.nextDouble()) * lifetime / n);
    }
    List<Integer> syncOrder = new ArrayList<>(order);
    Collections.shuffle(syncOrder, rnd);
    for (int i = 0; i < n; i++) {
      Instance inst = fleet.get(i);
      int rank = syncOrder.indexOf(i);
      for (long t = phase[i]; t < to; t += lifetime) {
        if (t < syncAt) {
          recyclePool(inst, pool, t);
          continue;
        }
        int m = (int) ((t - syncAt) / lifetime);
        if (rank < Math.round(synced.applyAsDouble(m) * n)) {
          long grid = syncAt + m * lifetime;
          recyclePool(inst, pool, grid + rnd.nextLong(2 * jitterMs + 1) - jitterMs);
        } else {
          recyclePool(inst, pool, t);
        }
      }
    }
  }

  /** Every connection has its own lifetime, shortened by up to 2.5 % each time (HikariCP's variance). */
  void jitteredRecycling(List<Instance> fleet, int pool, long lifetime, long from, long to) {
    for (Instance inst : fleet) {
      for (int c = 0; c < pool; c++) {
        for (long t = from + (long) (rnd.nextDouble() * lifetime); t < to;
            t += (long) (lifetime * (1 - 0.025 * rnd.nextDouble()))) {
          event(inst, t, ConnectionEventKind.CLOSED, "MAX_LIFETIME", 1);
          event(inst, t + 5 + rnd.nextInt(200), ConnectionEventKind.OPENED, "MAX_LIFETIME", 1);
        }
      }
    }
  }

  /** Idle-timeout closes and reopens at random, {@code perHour} per instance. */
  void idleNoise(List<Instance> fleet, double perHour, long from, long to) {
    for (Instance inst : fleet) {
      for (long t = from + exp(perHour); t < to; t += exp(perHour)) {
        event(inst, t, ConnectionEventKind.CLOSED, "IDLE_TIMEOUT", 1);
        event(inst, t + rnd.nextInt(30_000), ConnectionEventKind.OPENED, null, 1);
      }
    }
  }

  /** A cron job on one instance that opens {@code minConns..maxConns} connections every {@code every}. */
  void cron(Instance inst, long every, int minConns, int maxConns, long from, long to) {
    for (long t = from; t < to; t += every) {
      long start = t + rnd.nextInt(3_000);
      int conns = minConns + rnd.nextInt(maxConns - minConns + 1);
      for (int c = 0; c < conns; c++) {
        event(inst, start + rnd.nextInt(2_000), ConnectionEventKind.OPENED, null, 1);
      }
      event(inst, start + 30_000 + rnd.nextInt(30_000), ConnectionEventKind.CLOSED, "IDLE_TIMEOUT", conns);
    }
  }

  /**
   * A rolling deploy over {@code duration}: each old instance shuts its pool, its replacement
   * opens a fresh pool seconds later and recycles it whole every {@code lifetime} from then on.
   */
  List<Instance> rollingDeploy(List<Instance> old, String prefix, int pool, long lifetime, long at, long duration,
      long to) {
    List<Instance> replacements = fleet(old.get(0).service(), prefix, old.size());
    for (int i = 0; i < old.size(); i++) {
      long t = at + i * duration / old.size() + rnd.nextInt(5_000);
      event(old.get(i), t, ConnectionEventKind.CLOSED, "SHUTDOWN", pool);
      long up = t + 2_000 + rnd.nextInt(4_000);
      event(replacements.get(i), up, ConnectionEventKind.OPENED, "STARTUP", pool);
      for (long r = up + lifetime; r < to; r += lifetime) {
        recyclePool(replacements.get(i), pool, r);
      }
    }
    return replacements;
  }

  /**
   * After maintenance at {@code at}, a share {@code share} of the fleet cannot acquire connections
   * until {@code until}: failures every 1-2 s per instance, then a restart (seed 002).
   */
  void stalledPools(List<Instance> fleet, double share, int pool, long at, long until) {
    changeEvent(at, "MAINTENANCE", "database maintenance (backup task)");
    List<Instance> hit = new ArrayList<>(fleet);
    Collections.shuffle(hit, rnd);
    hit = hit.subList(0, (int) Math.max(2, Math.round(share * fleet.size())));
    for (Instance inst : hit) {
      long first = at + 2_000 + rnd.nextInt(6_000);
      event(inst, first - 1_000, ConnectionEventKind.CLOSED, "ERROR", 1 + rnd.nextInt(pool));
      for (long t = first; t < until; t += 1_000 + rnd.nextInt(1_000)) {
        event(inst, t, ConnectionEventKind.ACQUIRE_FAILED, null, 1 + rnd.nextInt(4));
      }
      event(inst, until + rnd.nextInt(60_000), ConnectionEventKind.OPENED, "STARTUP", pool);
    }
  }

  /** Now and then one instance fails one acquire (the normal background). */
  void sporadicFailures(List<Instance> fleet, double perHour, long from, long to) {
    for (long t = from + exp(perHour); t < to; t += exp(perHour)) {
      event(fleet.get(rnd.nextInt(fleet.size())), t, ConnectionEventKind.ACQUIRE_FAILED, null, 1);
    }
  }

  /**
   * Request stats every 10 s per instance, with a surge to {@code surgeFactor} × for a minute every
   * {@code every} (seed 001's attack surges); a few instances open one extra connection in a surge.
   */
  void requestSurges(List<Instance> fleet, long every, double surgeFactor, long from, long to) {
    for (Instance inst : fleet) {
      for (long t = from + 10_000; t < to; t += 10_000) {
        boolean surge = (t - from) % every < MIN;
        long requests = (long) ((200 + rnd.nextInt(40)) * (surge ? surgeFactor : 1));
        long errors = rnd.nextInt(3);
        records.add(new Timed(t + rnd.nextInt(1_500), RequestStats.newBuilder().setTs(t).setService(inst.service())
            .setInstance(inst.name()).setIntervalMs(10_000).setRequests(requests).setErrors(errors).build()));
      }
    }
    for (long s = from; s < to; s += every) {
      for (int k = 0; k < 3; k++) {
        Instance inst = fleet.get(rnd.nextInt(fleet.size()));
        long t = s + rnd.nextInt(60_000);
        event(inst, t, ConnectionEventKind.OPENED, null, 1);
        event(inst, t + 10 * MIN, ConnectionEventKind.CLOSED, "IDLE_TIMEOUT", 1);
      }
    }
  }

  void changeEvent(long ts, String kind, String description) {
    records.add(new Timed(ts, ChangeEvent.newBuilder().setTs(ts).setTarget(target).setKind(kind)
        .setDescription(description).build()));
  }

  /** Closes and reopens a whole pool at {@code t}: one record per kind, or one per connection. */
  void recyclePool(Instance inst, int pool, long t) {
    event(inst, t, ConnectionEventKind.CLOSED, "MAX_LIFETIME", pool);
    if (rnd.nextBoolean()) {
      event(inst, t + 20 + rnd.nextInt(300), ConnectionEventKind.OPENED, "MAX_LIFETIME", pool);
    } else {
      for (int c = 0; c < pool; c++) {
        event(inst, t + 20 + rnd.nextInt(1_500), ConnectionEventKind.OPENED, "MAX_LIFETIME", 1);
      }
    }
  }

  void event(Instance inst, long ts, ConnectionEventKind kind, String reason, int count) {
    long t = ts + clockSkew.getOrDefault(inst.name(), 0L);
    records.add(new Timed(t + rnd.nextInt(1_500), ConnectionEvent.newBuilder().setTs(t).setService(inst.service())
        .setInstance(inst.name()).setTarget(target).setEvent(kind).setReason(reason).setCount(count).build()));
  }

  /** The records in arrival order (event time plus up to 1.5 s of delay). */
  List<SpecificRecord> records() {
    List<Timed> sorted = new ArrayList<>(records);
    sorted.sort(Comparator.comparingLong(Timed::arrival));
    return sorted.stream().map(Timed::record).toList();
  }

  private long exp(double perHour) {
    return (long) (-Math.log(1 - rnd.nextDouble()) * 3_600_000 / perHour) + 1;
  }
}

package dev.foreshock.simulate;

import dev.foreshock.avro.ConnectionEventKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A healthy connection pool on every instance of a service: each connection lives its maximum
 * lifetime times (1 ± jitter), then is closed and replaced; at startup an instance opens its whole
 * pool; a restart closes the pool, waits, and opens it again. Also acquire failures and cron
 * workers, the other sources of connection events.
 */
final class ConnectionPool {

  private final String target;
  private final int poolSize;
  private final long lifetimeMs;
  private final double jitter;
  private final Map<String, List<long[]>> restarts = new LinkedHashMap<>();

  /**
   * @param jitter the relative spread of each connection's lifetime (0 = a fixed lifetime)
   */
  ConnectionPool(String target, int poolSize, long lifetimeMs, double jitter) {
    this.target = target;
    this.poolSize = poolSize;
    this.lifetimeMs = lifetimeMs;
    this.jitter = jitter;
  }

  /** The instance restarts at {@code at}: its pool closes, and opens again {@code downtimeMs} later. */
  ConnectionPool restart(String instance, long at, long downtimeMs) {
    restarts.computeIfAbsent(instance, k -> new ArrayList<>()).add(new long[] {at, downtimeMs});
    return this;
  }

  void emit(Timeline out, Random rnd, List<Instance> instances, long from, long to) {
    for (Instance inst : instances) {
      long segmentStart = Math.max(from, inst.fromMs());
      boolean existing = inst.fromMs() <= from;
      for (long[] r : restarts.getOrDefault(inst.name(), List.of())) {
        segment(out, rnd, inst, segmentStart, Math.min(r[0], to), existing, true);
        segmentStart = r[0] + r[1];
        existing = false;
      }
      long end = Math.min(to, inst.toMs());
      segment(out, rnd, inst, segmentStart, end, existing, end < to);
    }
  }

  private void segment(Timeline out, Random rnd, Instance inst, long a, long b, boolean existing, boolean closeAtEnd) {
    if (a >= b) {
      return;
    }
    for (int c = 0; c < poolSize; c++) {
      long expiry;
      if (existing) {
        expiry = a + (long) (rnd.nextDouble() * lifetimeMs * (1 + jitter));
      } else {
        long opened = a + (long) (rnd.nextDouble() * 800);
        out.connection(opened, inst.service(), inst.name(), target, ConnectionEventKind.OPENED, "STARTUP", 1);
        expiry = opened + lifetime(rnd);
      }
      while (expiry < b) {
        out.connection(expiry, inst.service(), inst.name(), target, ConnectionEventKind.CLOSED, "MAX_LIFETIME", 1);
        long reopened = expiry + 5 + (long) (rnd.nextDouble() * 250);
        if (reopened >= b) {
          break;
        }
        out.connection(reopened, inst.service(), inst.name(), target, ConnectionEventKind.OPENED, "MAX_LIFETIME", 1);
        expiry = reopened + lifetime(rnd);
      }
      if (closeAtEnd) {
        out.connection(b + (long) (rnd.nextDouble() * 500), inst.service(), inst.name(), target,
            ConnectionEventKind.CLOSED, "SHUTDOWN", 1);
      }
    }
  }

  private long lifetime(Random rnd) {
    return Math.max(1_000, (long) (lifetimeMs * (1 + jitter * (2 * rnd.nextDouble() - 1))));
  }

  /**
   * Acquire failures of one instance on {@code target} over [from, to): every {@code stepMs} a
   * record with a Poisson count at {@code perSecond} (none when the count is 0).
   */
  static void failures(Timeline out, Random rnd, Instance inst, String target, long from, long to, Curve perSecond,
      long stepMs) {
    for (long t = from + (long) (rnd.nextDouble() * stepMs); t < to; t += stepMs) {
      long n = Noise.poisson(rnd, perSecond.at(t) * stepMs / 1_000.0);
      if (n > 0) {
        out.connection(t, inst.service(), inst.name(), target, ConnectionEventKind.ACQUIRE_FAILED, "TIMEOUT",
            (int) Math.min(n, Integer.MAX_VALUE));
      }
    }
  }

  /**
   * A cron worker: one instance that, at every multiple of {@code periodMs} (plus a few seconds),
   * opens {@code connections} connections, runs for about {@code jobMs}, and lets them idle out.
   */
  static void cron(Timeline out, Random rnd, Instance inst, String target, long periodMs, int connections, long jobMs,
      long from, long to) {
    for (long tick = (from / periodMs + 1) * periodMs; tick < to; tick += periodMs) {
      long t0 = tick + 200 + (long) (rnd.nextDouble() * 2_500);
      long done = t0 + (long) (jobMs * Noise.between(rnd, 0.7, 1.3));
      for (int c = 0; c < connections; c++) {
        out.connection(t0 + (long) (rnd.nextDouble() * 900), inst.service(), inst.name(), target,
            ConnectionEventKind.OPENED, "STARTUP", 1);
        long closed = done + (long) (rnd.nextDouble() * 5_000);
        if (closed < to) {
          out.connection(closed, inst.service(), inst.name(), target, ConnectionEventKind.CLOSED, "IDLE_TIMEOUT", 1);
        }
      }
    }
  }
}

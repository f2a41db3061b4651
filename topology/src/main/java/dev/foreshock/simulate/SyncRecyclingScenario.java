package dev.foreshock.simulate;

import static dev.foreshock.simulate.ScenarioBuilder.MINUTE;
import static dev.foreshock.simulate.ScenarioBuilder.SECOND;
import static dev.foreshock.simulate.ScenarioBuilder.round;

import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.ConnectionEventKind;
import dev.foreshock.avro.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.StringJoiner;

/**
 * Seed 001: pools with a fixed maximum lifetime and no jitter. Before a database UPGRADE, slow
 * connection grants keep the recycling spread out; after it, every container recycles its whole
 * pool at once, and the containers bunch up: each period a growing share of the fleet recycles
 * within a few seconds of the others ("bus bunching"), until bursts cause acquire failures and
 * 5xx. Confounders as in the report: request surges every ~10 minutes answered with 4xx, and a
 * cron worker that opens a batch of connections every 10, 15 or 30 minutes.
 */
final class SyncRecyclingScenario implements Scenario {

  static final String NAME = "sync-recycling";
  static final String UNSYNCHRONISED = "fixed-lifetime";
  static final String DATABASE = "postgres-main";
  static final String FRONTEND = "frontend-api";

  /** Share of the fleet in a burst from which the bunching counts as "half the fleet". */
  static final double HALF = 0.5;

  private final boolean synchronise;

  /**
   * @param synchronise true for the seed incident; false for its negative control, the hours before
   *     the upgrade: the same fleet, pools and confounders, recycling kept spread out by slow grants
   */
  SyncRecyclingScenario(boolean synchronise) {
    this.synchronise = synchronise;
  }

  @Override
  public String name() {
    return synchronise ? NAME : UNSYNCHRONISED;
  }

  @Override
  public String description() {
    return synchronise
        ? "seed 001: after a DB UPGRADE, pools with a fixed lifetime synchronise; fleet-wide bursts every period, "
            + "growing; 10-min 4xx surges and a cron worker as confounders"
        : "must not fire: seed 001 before the upgrade: pools with a fixed lifetime and no jitter, spread by slow "
            + "connection grants; 10-min 4xx surges and a cron worker";
  }

  @Override
  public SimulatedScenario generate(long seed) {
    ScenarioBuilder b = new ScenarioBuilder(name(), seed, 1);
    long start = b.start;
    long requestInterval = b.param("requestIntervalSeconds", b.between(10, 20)) * SECOND;
    long lifetime = b.param("poolLifetimeSeconds", b.between(8 * 60, 20 * 60)) * SECOND;
    int fleetSize = b.param("fleetSize", b.between(16, 64));
    int poolSize = b.param("poolSize", b.between(4, 12));
    Bunching bunching = synchronise ? bunch(b, start, lifetime, fleetSize)
        : new Bunching(List.of(), List.of(), List.of(), List.of(), -1, -1,
            start + b.betweenMs(Duration.ofMinutes(100), Duration.ofMinutes(140)));
    long end = bunching.end();
    long halfBurst = bunching.halfBurst();
    List<Long> bursts = bunching.bursts();
    List<Double> shares = bunching.shares();
    List<long[]> recycles = bunching.recycles();
    List<Instance> fleet = Instance.fleet(FRONTEND, "fapi", fleetSize, start, end);

    // Each container: single connections recycle on their own (spread by slow grants) until its
    // first whole-pool recycle; from then on the pool recycles as one.
    long[] firstWhole = new long[fleetSize];
    Arrays.fill(firstWhole, Long.MAX_VALUE);
    for (long[] r : recycles) {
      firstWhole[(int) r[0]] = Math.min(firstWhole[(int) r[0]], r[1]);
    }
    for (int i = 0; i < fleetSize; i++) {
      Instance inst = fleet.get(i);
      for (int c = 0; c < poolSize; c++) {
        long expiry = start + (long) (b.rnd.nextDouble() * lifetime);
        while (expiry < firstWhole[i] && expiry < end) {
          b.timeline.connection(expiry, FRONTEND, inst.name(), DATABASE, ConnectionEventKind.CLOSED, "MAX_LIFETIME", 1);
          long reopened = expiry + b.betweenMs(Duration.ofMillis(200), Duration.ofSeconds(4));
          b.timeline.connection(reopened, FRONTEND, inst.name(), DATABASE, ConnectionEventKind.OPENED, "MAX_LIFETIME",
              1);
          expiry = reopened + lifetime;
        }
      }
    }
    for (long[] r : recycles) {
      if (r[1] >= end) {
        continue;
      }
      Instance inst = fleet.get((int) r[0]);
      for (int c = 0; c < poolSize; c++) {
        long closed = r[1] + (long) (b.rnd.nextDouble() * 300);
        b.timeline.connection(closed, FRONTEND, inst.name(), DATABASE, ConnectionEventKind.CLOSED, "MAX_LIFETIME", 1);
        b.timeline.connection(closed + b.betweenMs(Duration.ofMillis(5), Duration.ofMillis(1_500)), FRONTEND,
            inst.name(), DATABASE, ConnectionEventKind.OPENED, "MAX_LIFETIME", 1);
      }
    }

    // Big bursts exhaust the database: acquire failures on the bunched containers, a few 5xx.
    List<long[]> painful = new ArrayList<>(); // {time, share*1000}
    for (int m = 0; m < bursts.size(); m++) {
      double share = shares.get(m);
      if (share >= 0.6 && bursts.get(m) < end) {
        painful.add(new long[] {bursts.get(m), Math.round(share * 1000)});
        for (Instance inst : fleet) {
          if (b.rnd.nextDouble() < share) {
            ConnectionPool.failures(b.timeline, b.rnd, inst, DATABASE, bursts.get(m), bursts.get(m) + 4 * SECOND,
                Curve.constant(share * 2), 1_000);
          }
        }
      }
    }
    double baseErrors = b.between(0.001, 0.005);
    double burstErrors = b.between(0.02, 0.08);
    Curve errors = t -> {
      double e = baseErrors;
      for (long[] p : painful) {
        if (Math.abs(t - p[0]) < requestInterval / 2) {
          double share = p[1] / 1000.0;
          e += burstErrors * share * share;
        }
      }
      return e;
    };
    // The attack: request surges every ~10 minutes, answered with 4xx (not errors).
    long attackPeriod = b.param("attackPeriodSeconds", b.between(540, 660)) * SECOND;
    long attackLength = b.betweenMs(Duration.ofSeconds(60), Duration.ofSeconds(180));
    double attackFactor = b.between(3.0, 4.0);
    long attackPhase = (long) (b.rnd.nextDouble() * attackPeriod);
    Curve surge = t -> Math.floorMod(t - start - attackPhase, attackPeriod) < attackLength ? attackFactor : 1.0;
    new RequestSeries(FRONTEND, fleet, requestInterval)
        .rate(Curve.constant(b.between(5.0, 20.0) * fleetSize).times(surge))
        .errors(errors)
        .emit(b.timeline, b.rnd, start, end);

    // The backend API shares the database, with few connections and jitter; and a cron worker.
    List<Instance> backend = Instance.fleet("backend-api", "bapi", b.between(4, 10), start, end);
    new ConnectionPool(DATABASE, b.between(2, 4), b.betweenMs(Duration.ofMinutes(20), Duration.ofMinutes(40)),
        b.between(0.1, 0.25)).emit(b.timeline, b.rnd, backend, start, end);
    new RequestSeries("backend-api", backend, requestInterval).rate(Curve.constant(b.between(50.0, 200.0)))
        .errors(Curve.constant(b.between(0.0005, 0.003))).emit(b.timeline, b.rnd, start, end);
    long cronPeriod = b.param("cronPeriodMinutes", (long) Noise.oneOf(b.rnd, 10, 15, 30)) * MINUTE;
    ConnectionPool.cron(b.timeline, b.rnd, new Instance("reports-cron", "reports-cron-1", start, end), DATABASE,
        cronPeriod, b.between(20, 30), b.betweenMs(Duration.ofSeconds(30), Duration.ofSeconds(120)), start, end);

    b.timeline.dependencies(start, FRONTEND, List.of(DATABASE));
    b.timeline.dependencies(start, "backend-api", List.of(DATABASE));
    b.timeline.dependencies(start, "reports-cron", List.of(DATABASE));
    Background.add(b, "payments", start, end, 3, requestInterval, 30 * SECOND, true, true);
    if (!synchronise) {
      return b.build(end);
    }
    b.timeline.change(bunching.upgradeAt(), DATABASE, "UPGRADE", "automatic minor version upgrade by the cloud provider");

    b.expect(CandidateType.CONNECTION_BURST, DATABASE, halfBurst, halfBurst + MINUTE, Severity.WARNING,
        "first burst in which at least half of " + fleetSize + " containers recycle within seconds");
    b.expect(CandidateType.PERIODIC_CONNECTION_RECYCLING, DATABASE, bunching.onsets().get(0), halfBurst + 4 * lifetime,
        Severity.WARNING, "bursts every " + lifetime / SECOND + " s from the first bunched recycle; "
            + "within four periods of the first half-fleet burst");
    b.allow(CandidateType.CONNECTION_FAILURES, DATABASE, "acquire failures at the biggest bursts");
    b.allow(CandidateType.ERROR_RATE_SPIKE, FRONTEND, "a few 5xx at the biggest bursts");
    b.allow(CandidateType.INCIDENT, DATABASE, "bursts, failures and 5xx together");
    b.allow(CandidateType.INCIDENT, FRONTEND, "bursts, failures and 5xx together");
    return b.build(end);
  }

  /** Whole-pool recycles and bursts of each period after the upgrade, with the shares bunched. */
  private record Bunching(List<Long> bursts, List<Long> onsets, List<Double> shares, List<long[]> recycles,
      long halfBurst, long upgradeAt, long end) {}

  /**
   * The bunching after the upgrade: a share of the containers recycles with the cluster at the
   * first burst, each other one joins it with a fixed chance per period; runs until five periods
   * after the first burst of at least half the fleet.
   */
  private static Bunching bunch(ScenarioBuilder b, long start, long lifetime, int fleetSize) {
    List<Long> bursts = new ArrayList<>();
    List<Long> burstOnsets = new ArrayList<>(); // the earliest whole-pool recycle of each burst
    List<Double> shares = new ArrayList<>();
    List<long[]> recycles = new ArrayList<>(); // {container, time} of whole-pool recycles
    long halfBurst = -1;
    double initialShare = b.param("initialBunchedShare", round(b.between(0.12, 0.3)));
    double joinChance = b.param("joinChancePerPeriod", round(b.between(0.2, 0.4)));
    long upgradeAt = start + b.betweenMs(Duration.ofMinutes(25), Duration.ofMinutes(45));
    long syncAt = upgradeAt + b.betweenMs(Duration.ofMinutes(3), Duration.ofMinutes(10));
    long firstBurst = syncAt + (long) (b.rnd.nextDouble() * lifetime);

    // Bunching: which containers recycle with the cluster in each period.
    boolean[] member = new boolean[fleetSize];
    long[] offset = new long[fleetSize];
    int members = 0;
    for (int i = 0; i < fleetSize; i++) {
      member[i] = b.rnd.nextDouble() < initialShare;
      members += member[i] ? 1 : 0;
      offset[i] = (long) (b.rnd.nextDouble() * lifetime);
    }
    for (int i = 0; members < 2; i++) {
      if (!member[i]) {
        member[i] = true;
        members++;
      }
    }
    int periodsAfterHalf = 0;
    for (int m = 0; periodsAfterHalf < 5 || m < 6; m++) {
      long burst = firstBurst + m * lifetime;
      long onset = Long.MAX_VALUE;
      int count = 0;
      for (int i = 0; i < fleetSize; i++) {
        if (member[i]) {
          count++;
          long at = burst + (long) (Noise.gaussian(b.rnd) * 1_200);
          onset = Math.min(onset, at);
          recycles.add(new long[] {i, at});
        } else {
          recycles.add(new long[] {i, burst + offset[i]});
        }
      }
      bursts.add(burst);
      burstOnsets.add(onset);
      shares.add(count / (double) fleetSize);
      if (halfBurst < 0 && count >= HALF * fleetSize) {
        halfBurst = onset;
      }
      if (halfBurst >= 0) {
        periodsAfterHalf++;
      }
      for (int i = 0; i < fleetSize; i++) {
        if (!member[i] && b.rnd.nextDouble() < joinChance) {
          member[i] = true;
        }
      }
    }
    long end = bursts.get(bursts.size() - 1) + b.betweenMs(Duration.ofMinutes(2), Duration.ofMinutes(6));
    StringJoiner shareText = new StringJoiner(",");
    shares.forEach(s -> shareText.add(Double.toString(round(s))));
    b.param("burstShares", shareText.toString());
    return new Bunching(bursts, burstOnsets, shares, recycles, halfBurst, upgradeAt, end);
  }
}

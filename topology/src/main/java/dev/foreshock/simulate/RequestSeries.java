package dev.foreshock.simulate;

import java.util.List;
import java.util.Random;

/**
 * Request statistics of one service: each live instance reports every {@code intervalMs} (with its
 * own phase and a little reporting jitter) its share of the service's request rate, with Poisson
 * noise, and the 5xx among them drawn binomially from the error ratio.
 */
final class RequestSeries {

  /** Whether an instance reports at time t (false: it is silent, e.g. its logging pipeline is down). */
  @FunctionalInterface
  interface Reporting {
    boolean at(Instance instance, long t);
  }

  /** The 5xx ratio of an instance at time t. */
  @FunctionalInterface
  interface ErrorRatio {
    double at(Instance instance, long t);
  }

  private final String service;
  private final List<Instance> instances;
  private final long intervalMs;
  private Curve requestsPerSecond = Curve.constant(10);
  private ErrorRatio errorRatio = (i, t) -> 0.001;
  private Reporting reporting = (i, t) -> true;

  RequestSeries(String service, List<Instance> instances, long intervalMs) {
    this.service = service;
    this.instances = instances;
    this.intervalMs = intervalMs;
  }

  /** The whole service's request rate (split over the instances alive at the time). */
  RequestSeries rate(Curve requestsPerSecond) {
    this.requestsPerSecond = requestsPerSecond;
    return this;
  }

  RequestSeries errors(ErrorRatio ratio) {
    this.errorRatio = ratio;
    return this;
  }

  RequestSeries errors(Curve ratio) {
    this.errorRatio = (i, t) -> ratio.at(t);
    return this;
  }

  RequestSeries reporting(Reporting reporting) {
    this.reporting = reporting;
    return this;
  }

  void emit(Timeline out, Random rnd, long from, long to) {
    double[] weight = new double[instances.size()];
    long[] phase = new long[instances.size()];
    for (int i = 0; i < weight.length; i++) {
      weight[i] = Noise.clamp(1 + 0.08 * Noise.gaussian(rnd), 0.7, 1.3);
      phase[i] = (long) (rnd.nextDouble() * intervalMs);
    }
    for (int i = 0; i < instances.size(); i++) {
      Instance inst = instances.get(i);
      long first = Math.max(from, inst.fromMs()) + phase[i] + intervalMs;
      long last = Math.min(to, inst.toMs());
      for (long t = first; t <= last; t += intervalMs) {
        long mid = t - intervalMs / 2;
        if (!reporting.at(inst, t)) {
          continue;
        }
        int alive = 0;
        for (Instance other : instances) {
          if (other.aliveAt(mid)) {
            alive++;
          }
        }
        double mean = requestsPerSecond.at(mid) * intervalMs / 1_000.0 * weight[i] / Math.max(1, alive);
        mean *= Noise.clamp(1 + 0.04 * Noise.gaussian(rnd), 0.8, 1.2);
        long requests = Noise.poisson(rnd, mean);
        double ratio = Noise.clamp(errorRatio.at(inst, mid), 0, 1);
        long errors = Noise.binomial(rnd, requests, ratio);
        long ts = Math.min(to, t + (long) (Noise.gaussian(rnd) * 150));
        out.requests(ts, service, inst.name(), intervalMs, requests, errors);
      }
    }
  }
}

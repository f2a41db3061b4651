package dev.foreshock.detect.errors;

import dev.foreshock.avro.RequestStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates request stats of a fleet of services: every instance reports every {@code interval}
 * at its own offset, with noisy request counts and binomially distributed server errors. The
 * error ratio and a traffic multiplier of each service can be changed over stretches of time.
 */
final class RequestFleet {

  record Service(String name, int instances, double requestsPerSecond, double errorRatio) {}

  private record Change(String service, long from, long to, double errorRatio, double trafficFactor) {}

  private final Random random;
  private final Map<String, Service> services = new LinkedHashMap<>();
  private final List<Change> changes = new ArrayList<>();
  private final long intervalMs;

  RequestFleet(Random random, Duration interval) {
    this.random = random;
    this.intervalMs = interval.toMillis();
  }

  RequestFleet service(String name, int instances, double requestsPerSecondPerInstance, double errorRatio) {
    services.put(name, new Service(name, instances, requestsPerSecondPerInstance, errorRatio));
    return this;
  }

  Service service(String name) {
    return services.get(name);
  }

  /** From {@code from} (inclusive) to {@code to} (exclusive) the service fails this share of requests. */
  RequestFleet errorRatio(String service, Instant from, Instant to, double errorRatio) {
    changes.add(new Change(service, from.toEpochMilli(), to.toEpochMilli(), errorRatio, Double.NaN));
    return this;
  }

  /** From {@code from} to {@code to} the service receives {@code factor} times its usual traffic. */
  RequestFleet traffic(String service, Instant from, Instant to, double factor) {
    changes.add(new Change(service, from.toEpochMilli(), to.toEpochMilli(), Double.NaN, factor));
    return this;
  }

  /** Every record from {@code from} to {@code to}, in event-time order. */
  List<RequestStats> generate(Instant from, Instant to) {
    List<RequestStats> out = new ArrayList<>();
    for (Service s : services.values()) {
      for (int i = 1; i <= s.instances(); i++) {
        long offset = (long) (random.nextDouble() * intervalMs);
        double instanceShare = 0.8 + 0.4 * random.nextDouble();
        for (long ts = from.toEpochMilli() + offset + intervalMs; ts < to.toEpochMilli(); ts += intervalMs) {
          double ratio = s.errorRatio();
          double factor = 1.0;
          for (Change c : changes) {
            if (c.service().equals(s.name()) && ts > c.from() && ts <= c.to()) {
              ratio = Double.isNaN(c.errorRatio()) ? ratio : c.errorRatio();
              factor = Double.isNaN(c.trafficFactor()) ? factor : c.trafficFactor();
            }
          }
          double mean = s.requestsPerSecond() * instanceShare * factor * intervalMs / 1000.0;
          long requests = Math.max(0, Math.round(mean * (1 + 0.08 * random.nextGaussian())));
          long errors = binomial(requests, ratio);
          out.add(RequestStats.newBuilder().setTs(ts).setService(s.name()).setInstance(s.name() + "-" + i)
              .setIntervalMs(intervalMs).setRequests(requests).setErrors(errors).build());
        }
      }
    }
    out.sort(Comparator.comparingLong(RequestStats::getTs));
    return out;
  }

  private long binomial(long n, double p) {
    if (n * p < 30) {
      long k = 0;
      for (long i = 0; i < n; i++) {
        if (random.nextDouble() < p) {
          k++;
        }
      }
      return k;
    }
    long k = Math.round(n * p + Math.sqrt(n * p * (1 - p)) * random.nextGaussian());
    return Math.min(n, Math.max(0, k));
  }
}

package dev.foreshock.detect.connections;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fleet of one target: the instances that had any connection event on it recently. An
 * instance leaves the fleet {@code expiry} ms after it was last seen; beyond {@code maxInstances}
 * the longest-unseen instance leaves first, so the fleet is bounded however many instances come
 * and go (autoscaling, deploys).
 *
 * <p>Instances are kept in the order they were last seen, so expiry only ever looks at the head:
 * {@link #seen} and {@link #expire} are O(1) per instance. Callers pass non-decreasing times.
 */
final class FleetTracker {

  private final long expiryMs;
  private final int maxInstances;
  private final LinkedHashMap<String, Long> lastSeen;

  FleetTracker(long expiryMs, int maxInstances) {
    if (expiryMs <= 0 || maxInstances < 1) {
      throw new IllegalArgumentException("fleet expiry and size must be positive, were " + expiryMs + " ms, "
          + maxInstances);
    }
    this.expiryMs = expiryMs;
    this.maxInstances = maxInstances;
    this.lastSeen = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
        return size() > FleetTracker.this.maxInstances;
      }
    };
  }

  /** A fleet restored from {@link #snapshot()}. */
  static FleetTracker of(long expiryMs, int maxInstances, Map<String, Long> snapshot) {
    FleetTracker f = new FleetTracker(expiryMs, maxInstances);
    if (snapshot != null) {
      snapshot.entrySet().stream()
          .sorted(Map.Entry.comparingByValue())
          .forEach(e -> f.lastSeen.put(e.getKey(), e.getValue()));
    }
    return f;
  }

  /** {@code instance} had an event at {@code ts}. */
  void seen(String instance, long ts) {
    Long before = lastSeen.get(instance);
    lastSeen.put(instance, before == null ? ts : Math.max(before, ts));
  }

  /** Drops the instances not seen since {@code now - expiry}. */
  void expire(long now) {
    long cutoff = now - expiryMs;
    Iterator<Map.Entry<String, Long>> it = lastSeen.entrySet().iterator();
    while (it.hasNext()) {
      if (it.next().getValue() >= cutoff) {
        return;
      }
      it.remove();
    }
  }

  int size() {
    return lastSeen.size();
  }

  boolean contains(String instance) {
    return lastSeen.containsKey(instance);
  }

  /** Instance → last seen, in the order they were last seen (a copy). */
  Map<String, Long> snapshot() {
    return new LinkedHashMap<>(lastSeen);
  }
}

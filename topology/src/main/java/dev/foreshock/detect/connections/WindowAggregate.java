package dev.foreshock.detect.connections;

import dev.foreshock.avro.ConnectionEventKind;
import java.util.HashSet;
import java.util.Set;

/** The counts of one open window of one target; mutable, lives only until the window closes. */
final class WindowAggregate {

  final long start;
  long opens;
  long closes;
  long failures;
  final Set<String> instances = new HashSet<>();
  final Set<String> openers = new HashSet<>();
  final Set<String> failers = new HashSet<>();
  final Set<String> services = new HashSet<>();
  private final int cap;

  WindowAggregate(long start, int cap) {
    this.start = start;
    this.cap = cap;
  }

  void add(ConnectionEventKind kind, String instance, String service, int count) {
    switch (kind) {
      case OPENED -> {
        opens += count;
        addCapped(openers, instance);
      }
      case CLOSED -> closes += count;
      case ACQUIRE_FAILED -> {
        failures += count;
        addCapped(failers, instance);
      }
    }
    addCapped(instances, instance);
    addCapped(services, service);
  }

  private void addCapped(Set<String> set, String value) {
    if (set.size() < cap) {
      set.add(value);
    }
  }

  /** Size of the union of {@code a} and {@code b} (b may be null). */
  static int unionSize(Set<String> a, Set<String> b) {
    if (b == null || b.isEmpty()) {
      return a.size();
    }
    int n = a.size();
    for (String s : b) {
      if (!a.contains(s)) {
        n++;
      }
    }
    return n;
  }
}

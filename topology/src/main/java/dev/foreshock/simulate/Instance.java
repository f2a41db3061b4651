package dev.foreshock.simulate;

import java.util.ArrayList;
import java.util.List;

/**
 * One instance (container, pod, process) of a service, alive from {@code fromMs} (inclusive) to
 * {@code toMs} (exclusive).
 */
record Instance(String service, String name, long fromMs, long toMs) {

  boolean aliveAt(long t) {
    return t >= fromMs && t < toMs;
  }

  /** {@code count} instances named {@code prefix-1..count}, alive over [from, to). */
  static List<Instance> fleet(String service, String prefix, int count, long from, long to) {
    List<Instance> out = new ArrayList<>(count);
    for (int i = 1; i <= count; i++) {
      out.add(new Instance(service, prefix + "-" + i, from, to));
    }
    return out;
  }

  static List<String> names(List<Instance> instances) {
    return instances.stream().map(Instance::name).toList();
  }
}

package dev.foreshock.correlate;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Who depends on what: edges {@code from -> to} declared on {@code telemetry.dependencies} (service
 * depends on target) or learned from connection events (service talks to target; instance is part
 * of service). Learned edges expire when not seen for the TTL; declared ones last until the service
 * declares a new list. The stores are the truth (restored from their changelogs); this class keeps
 * an in-memory index of them, rebuilt on start, because the graph is small (services x targets)
 * and read on every grouping decision.
 */
final class DependencyGraph {

  private static final int DECLARED = 1;
  private static final int LEARNED = 2;
  private static final char SEP = '\u001f';

  private final KeyValueStore<String, DeclaredDependencies> declaredStore;
  private final KeyValueStore<String, Long> learnedStore;
  private final Map<String, Set<String>> declared = new HashMap<>();
  private final Map<String, Map<String, Long>> learned = new HashMap<>();
  /** from -> to -> bits (DECLARED | LEARNED). */
  private final Map<String, Map<String, Integer>> out = new HashMap<>();
  /** to -> from -> bits. */
  private final Map<String, Map<String, Integer>> in = new HashMap<>();

  DependencyGraph(KeyValueStore<String, DeclaredDependencies> declaredStore, KeyValueStore<String, Long> learnedStore) {
    this.declaredStore = declaredStore;
    this.learnedStore = learnedStore;
    try (KeyValueIterator<String, DeclaredDependencies> it = declaredStore.all()) {
      while (it.hasNext()) {
        DeclaredDependencies d = it.next().value;
        applyDeclared(d.service(), new HashSet<>(d.dependsOn()));
      }
    }
    try (KeyValueIterator<String, Long> it = learnedStore.all()) {
      while (it.hasNext()) {
        KeyValue<String, Long> kv = it.next();
        int sep = kv.key.indexOf(SEP);
        if (sep > 0) {
          String from = kv.key.substring(0, sep);
          String to = kv.key.substring(sep + 1);
          learned.computeIfAbsent(from, k -> new HashMap<>()).put(to, kv.value);
          set(from, to, LEARNED);
        }
      }
    }
  }

  /** Replaces what {@code service} declares. */
  void declare(DeclaredDependencies d) {
    declaredStore.put(d.service(), d);
    applyDeclared(d.service(), new HashSet<>(d.dependsOn()));
  }

  private void applyDeclared(String service, Set<String> targets) {
    targets.remove(service);
    Set<String> old = declared.put(service, targets);
    if (old != null) {
      old.forEach(t -> clear(service, t, DECLARED));
    }
    targets.forEach(t -> set(service, t, DECLARED));
  }

  /** Records that {@code edge.from} talked to {@code edge.to} at {@code edge.ts}. */
  boolean learn(DependencyEdge edge) {
    if (edge.from().equals(edge.to())) {
      return false;
    }
    Map<String, Long> seen = learned.computeIfAbsent(edge.from(), k -> new HashMap<>());
    Long previous = seen.get(edge.to());
    if (previous != null && previous >= edge.ts()) {
      return false;
    }
    seen.put(edge.to(), edge.ts());
    learnedStore.put(edge.from() + SEP + edge.to(), edge.ts());
    set(edge.from(), edge.to(), LEARNED);
    return previous == null;
  }

  /** Forgets learned edges last seen before {@code cutoff}; returns how many. */
  int expireLearned(long cutoff) {
    int removed = 0;
    for (Iterator<Map.Entry<String, Map<String, Long>>> fromIt = learned.entrySet().iterator(); fromIt.hasNext(); ) {
      Map.Entry<String, Map<String, Long>> from = fromIt.next();
      for (Iterator<Map.Entry<String, Long>> toIt = from.getValue().entrySet().iterator(); toIt.hasNext(); ) {
        Map.Entry<String, Long> to = toIt.next();
        if (to.getValue() < cutoff) {
          toIt.remove();
          learnedStore.delete(from.getKey() + SEP + to.getKey());
          clear(from.getKey(), to.getKey(), LEARNED);
          removed++;
        }
      }
      if (from.getValue().isEmpty()) {
        fromIt.remove();
      }
    }
    return removed;
  }

  /** Whether one of the two depends on (or is part of) the other. */
  boolean adjacent(String a, String b) {
    return out.getOrDefault(a, Map.of()).containsKey(b) || out.getOrDefault(b, Map.of()).containsKey(a);
  }

  /** Whether {@code from} depends directly on (or is part of) {@code to}. */
  boolean dependsOn(String from, String to) {
    return out.getOrDefault(from, Map.of()).containsKey(to);
  }

  /** What {@code subject} depends on directly (or is part of). */
  Set<String> upstreamOf(String subject) {
    return out.getOrDefault(subject, Map.of()).keySet();
  }

  /** What {@code subject} depends on and what depends on it. */
  Set<String> neighbours(String subject) {
    Set<String> all = new HashSet<>(out.getOrDefault(subject, Map.of()).keySet());
    all.addAll(in.getOrDefault(subject, Map.of()).keySet());
    return all;
  }

  /** Whether {@code from} depends on {@code to}, directly or through at most {@code depth} edges. */
  boolean reaches(String from, String to, int depth) {
    if (from.equals(to)) {
      return false;
    }
    Set<String> seen = new HashSet<>();
    ArrayDeque<String> frontier = new ArrayDeque<>(List.of(from));
    for (int d = 0; d < depth && !frontier.isEmpty(); d++) {
      ArrayDeque<String> next = new ArrayDeque<>();
      for (String node : frontier) {
        for (String up : out.getOrDefault(node, Map.of()).keySet()) {
          if (up.equals(to)) {
            return true;
          }
          if (seen.add(up)) {
            next.add(up);
          }
        }
      }
      frontier = next;
    }
    return false;
  }

  /** Edges as {@code from -> to} strings, sorted (for logs and tests). */
  List<String> describe() {
    List<String> edges = new ArrayList<>();
    out.forEach((from, tos) -> tos.keySet().forEach(to -> edges.add(from + " -> " + to)));
    Collections.sort(edges);
    return edges;
  }

  private void set(String from, String to, int bit) {
    out.computeIfAbsent(from, k -> new HashMap<>()).merge(to, bit, (a, b) -> a | b);
    in.computeIfAbsent(to, k -> new HashMap<>()).merge(from, bit, (a, b) -> a | b);
  }

  private void clear(String from, String to, int bit) {
    clearIn(out, from, to, bit);
    clearIn(in, to, from, bit);
  }

  private static void clearIn(Map<String, Map<String, Integer>> index, String a, String b, int bit) {
    Map<String, Integer> row = index.get(a);
    if (row == null) {
      return;
    }
    Integer bits = row.get(b);
    if (bits != null) {
      int left = bits & ~bit;
      if (left == 0) {
        row.remove(b);
      } else {
        row.put(b, left);
      }
    }
    if (row.isEmpty()) {
      index.remove(a);
    }
  }
}

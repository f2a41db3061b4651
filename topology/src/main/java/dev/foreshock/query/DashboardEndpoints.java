package dev.foreshock.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.foreshock.StoreNames;
import dev.foreshock.correlate.ChangeRecord;
import dev.foreshock.detect.connections.ConnectionPattern;
import dev.foreshock.detect.errors.ErrorBaseline;
import dev.foreshock.detect.memory.MemoryTrendView;
import dev.foreshock.detect.memory.MemoryWindow;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * The JSON the dashboard needs beyond contract section 6:
 * <ul>
 *   <li>{@code GET /api/v1/subjects}: every known target, resource and service with the event time
 *       of its latest figures, and {@code latestTs}, the newest of them (merged from every instance);
 *   <li>{@code GET /api/v1/changes?from=&to=}: change events in the range, oldest first (from the
 *       single correlation task's {@code change-history}; default: the last hour up to now);
 *   <li>{@code GET /api/v1/memory/{resource}/windows?from=&to=}: the resource's downsampling windows
 *       that start in the range, oldest first (default: the hour before its newest window).
 * </ul>
 */
final class DashboardEndpoints {

  /** change-history lives on the one partition of the correlation task: any key finds its owner. */
  private static final String ANY_CHANGE_KEY = "changes";
  private static final int MAX_CHANGES = 5_000;

  private final StateAccess state;
  private final QueryServer server;
  private final QueryLimits limits;

  DashboardEndpoints(StateAccess state, QueryServer server, QueryLimits limits) {
    this.state = state;
    this.server = server;
    this.limits = limits;
  }

  void addTo(QueryServer routes) {
    routes.get("/api/v1/subjects", this::subjects);
    routes.get("/api/v1/changes", this::changes);
    routes.get("/api/v1/memory/{resource}/windows", this::memoryWindows);
  }

  private Object subjects(ApiRequest request) throws IOException {
    List<JsonNode> others = server.fanOut(state, request);
    Map<String, Long> targets = latest(StoreNames.CONNECTION_PATTERNS, ConnectionPattern::updatedTs);
    Map<String, Long> resources = latest(StoreNames.MEMORY_TRENDS, MemoryTrendView::ts);
    newestWindows(resources);
    Map<String, Long> services = latest(StoreNames.ERROR_BASELINES, ErrorBaseline::lastDataTs);
    for (JsonNode other : others) {
      merge(targets, other.path("targets"));
      merge(resources, other.path("resources"));
      merge(services, other.path("services"));
    }
    long latestTs = -1;
    for (Map<String, Long> m : List.of(targets, resources, services)) {
      for (long ts : m.values()) {
        latestTs = Math.max(latestTs, ts);
      }
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("latestTs", latestTs < 0 ? null : latestTs);
    answer.put("targets", list(targets));
    answer.put("resources", list(resources));
    answer.put("services", list(services));
    return answer;
  }

  private <V> Map<String, Long> latest(String store, ToLongFunction<V> ts) {
    Map<String, Long> out = new TreeMap<>();
    Optional<ReadOnlyKeyValueStore<String, V>> kv = state.localKeyValueStore(store);
    if (kv.isEmpty()) {
      return out;
    }
    try (KeyValueIterator<String, V> it = kv.get().all()) {
      while (it.hasNext()) {
        KeyValue<String, V> e = it.next();
        if (e.value != null) {
          out.merge(e.key, ts.applyAsLong(e.value), Math::max);
        }
      }
    }
    return out;
  }

  /**
   * The memory trend row is rewritten only when a trend changes (every 10 min at most for the
   * shortest horizon): a resource's latest figures are those of its newest window.
   */
  private void newestWindows(Map<String, Long> resources) {
    if (resources.isEmpty()) {
      return;
    }
    ReadOnlyWindowStore<String, MemoryWindow> store = state.windowStore(StoreNames.MEMORY_WINDOWS,
        StateAccess.ALL_PARTITIONS);
    for (Map.Entry<String, Long> e : resources.entrySet()) {
      long newest = TimeRange.newestEnd(store, e.getKey(), MemoryWindow::windowEnd);
      e.setValue(Math.max(e.getValue(), newest));
    }
  }

  private static void merge(Map<String, Long> into, JsonNode list) {
    for (JsonNode n : list) {
      into.merge(n.path("name").asText(), n.path("latestTs").asLong(), Math::max);
    }
  }

  private static List<Map<String, Object>> list(Map<String, Long> m) {
    List<Map<String, Object>> out = new ArrayList<>(m.size());
    m.forEach((name, ts) -> {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("name", name);
      e.put("latestTs", ts);
      out.add(e);
    });
    return out;
  }

  private Object changes(ApiRequest request) throws IOException {
    StateAccess.Owner owner = state.owner(StoreNames.CHANGE_HISTORY, ANY_CHANGE_KEY);
    Optional<QueryServer.Raw> remote = server.forwardIfRemote(owner, request);
    if (remote.isPresent()) {
      return remote.get();
    }
    TimeRange range = TimeRange.of(request, Instant.now().toEpochMilli(), limits);
    ReadOnlyWindowStore<String, ChangeRecord> store = state.windowStore(StoreNames.CHANGE_HISTORY, owner.partition());
    List<ChangeRecord> changes = new ArrayList<>();
    try (KeyValueIterator<Windowed<String>, ChangeRecord> it =
        store.fetchAll(Instant.ofEpochMilli(range.from()), Instant.ofEpochMilli(range.to() - 1))) {
      while (it.hasNext() && changes.size() < MAX_CHANGES) {
        changes.add(it.next().value);
      }
    }
    changes.sort(Comparator.comparingLong(ChangeRecord::ts).thenComparing(ChangeRecord::target));
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("from", range.from());
    answer.put("to", range.to());
    answer.put("count", changes.size());
    answer.put("changes", changes);
    return answer;
  }

  private Object memoryWindows(ApiRequest request) throws IOException {
    String resource = request.param("resource");
    StateAccess.Owner owner = state.owner(StoreNames.MEMORY_TRENDS, resource);
    Optional<QueryServer.Raw> remote = server.forwardIfRemote(owner, request);
    if (remote.isPresent()) {
      return remote.get();
    }
    ReadOnlyWindowStore<String, MemoryWindow> store = state.windowStore(StoreNames.MEMORY_WINDOWS, owner.partition());
    long newest = TimeRange.newestEnd(store, resource, MemoryWindow::windowEnd);
    if (newest < 0) {
      throw ApiException.notFound("no memory samples of resource '" + resource + "' (within the store's retention)");
    }
    TimeRange range = TimeRange.of(request, newest, limits);
    List<MemoryWindow> windows = range.fetch(store, resource, limits.maxWindows());
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("resource", resource);
    answer.put("from", range.from());
    answer.put("to", range.to());
    answer.put("count", windows.size());
    answer.put("windows", windows);
    return answer;
  }
}

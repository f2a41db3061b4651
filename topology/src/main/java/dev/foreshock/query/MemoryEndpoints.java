package dev.foreshock.query;

import dev.foreshock.StoreNames;
import dev.foreshock.detect.memory.MemoryTrendView;
import dev.foreshock.detect.memory.MemoryWindow;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * {@code GET /api/v1/memory/{resource}[?windows=N]}: the latest figures of a resource, a summary of
 * its newest {@code N} (default 10, at most 1440) downsampling windows, and its trend per horizon
 * (slope, r2, secondsToExhaustion), from the instance that owns the resource.
 */
final class MemoryEndpoints {

  static final int DEFAULT_WINDOWS = 10;
  static final int MAX_WINDOWS = 1_440;

  private final StateAccess state;
  private final QueryServer server;

  MemoryEndpoints(StateAccess state, QueryServer server) {
    this.state = state;
    this.server = server;
  }

  void addTo(QueryServer routes) {
    routes.get("/api/v1/memory/{resource}", this::resource);
  }

  private Object resource(ApiRequest request) throws IOException {
    String resource = request.param("resource");
    int n = request.integer("windows", DEFAULT_WINDOWS, 1, MAX_WINDOWS);
    StateAccess.Owner owner = state.owner(StoreNames.MEMORY_TRENDS, resource);
    Optional<QueryServer.Raw> remote = server.forwardIfRemote(owner, request);
    if (remote.isPresent()) {
      return remote.get();
    }
    ReadOnlyKeyValueStore<String, MemoryTrendView> trends = state.keyValueStore(StoreNames.MEMORY_TRENDS,
        owner.partition());
    ReadOnlyWindowStore<String, MemoryWindow> store = state.windowStore(StoreNames.MEMORY_WINDOWS, owner.partition());
    MemoryTrendView trend = trends.get(resource);
    List<MemoryWindow> windows = TimeRange.newest(store, resource, n);
    if (trend == null && windows.isEmpty()) {
      throw ApiException.notFound("no memory samples of resource '" + resource + "' (within the store's retention)");
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("resource", resource);
    // The trend row is rewritten only when a trend or severity changes; the latest figures are
    // those of the newest window (the detector writes both at a window's close, from the same figures).
    MemoryWindow newest = windows.isEmpty() ? null : windows.get(windows.size() - 1);
    if (newest != null && (trend == null || newest.windowEnd() >= trend.ts())) {
      answer.put("ts", newest.windowEnd());
      answer.put("lastUsedBytes", newest.lastUsedBytes());
      answer.put("limitBytes", newest.limitBytes());
      answer.put("usedFraction", newest.limitBytes() == null || newest.limitBytes() <= 0 ? null
          : (double) newest.lastUsedBytes() / newest.limitBytes());
    } else if (trend != null) {
      answer.put("ts", trend.ts());
      answer.put("lastUsedBytes", trend.lastUsedBytes());
      answer.put("limitBytes", trend.limitBytes());
      answer.put("usedFraction", trend.usedFraction());
    }
    if (trend != null) {
      answer.put("growthSeverity", trend.growthSeverity());
      answer.put("rapidRise", trend.rapidRise());
    }
    answer.put("latest", summary(windows));
    answer.put("horizons", trend == null ? List.of() : trend.horizons());
    return answer;
  }

  /** Min, max, mean and last used bytes and the sample count over {@code windows}. */
  private static Map<String, Object> summary(List<MemoryWindow> windows) {
    Map<String, Object> s = new LinkedHashMap<>();
    if (windows.isEmpty()) {
      s.put("windows", 0);
      return s;
    }
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    long samples = 0;
    double weighted = 0;
    for (MemoryWindow w : windows) {
      min = Math.min(min, w.minUsedBytes());
      max = Math.max(max, w.maxUsedBytes());
      samples += w.samples();
      weighted += w.meanUsedBytes() * w.samples();
    }
    MemoryWindow last = windows.get(windows.size() - 1);
    s.put("from", windows.get(0).windowStart());
    s.put("to", last.windowEnd());
    s.put("windows", windows.size());
    s.put("samples", samples);
    s.put("minUsedBytes", min);
    s.put("maxUsedBytes", max);
    s.put("meanUsedBytes", samples == 0 ? null : Math.round(weighted / samples));
    s.put("lastUsedBytes", last.lastUsedBytes());
    s.put("limitBytes", last.limitBytes());
    return s;
  }
}

package dev.foreshock.query;

import dev.foreshock.StoreNames;
import dev.foreshock.detect.connections.ConnectionPattern;
import dev.foreshock.detect.connections.ConnectionWindowFigures;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * {@code GET /api/v1/connections/{target}?from=&to=}: the target's closed windows that start in
 * the range (opens, failures, instances, fleetFraction, the span figures the detectors judged) and
 * its current pattern (recent bursts, recycling period, failure episode), from the owner.
 */
final class ConnectionEndpoints {

  private final StateAccess state;
  private final QueryServer server;
  private final QueryLimits limits;

  ConnectionEndpoints(StateAccess state, QueryServer server, QueryLimits limits) {
    this.state = state;
    this.server = server;
    this.limits = limits;
  }

  void addTo(QueryServer routes) {
    routes.get("/api/v1/connections/{target}", this::target);
  }

  private Object target(ApiRequest request) throws IOException {
    String target = request.param("target");
    StateAccess.Owner owner = state.owner(StoreNames.CONNECTION_PATTERNS, target);
    Optional<QueryServer.Raw> remote = server.forwardIfRemote(owner, request);
    if (remote.isPresent()) {
      return remote.get();
    }
    ReadOnlyKeyValueStore<String, ConnectionPattern> patterns = state.keyValueStore(StoreNames.CONNECTION_PATTERNS,
        owner.partition());
    ReadOnlyWindowStore<String, ConnectionWindowFigures> store = state.windowStore(StoreNames.CONNECTION_WINDOWS,
        owner.partition());
    ConnectionPattern pattern = patterns.get(target);
    long newest = TimeRange.newestEnd(store, target, ConnectionWindowFigures::windowEnd);
    if (pattern == null && newest < 0) {
      throw ApiException.notFound("no connection events on target '" + target + "' (within the store's retention)");
    }
    TimeRange range = TimeRange.of(request, newest >= 0 ? newest : pattern.updatedTs(), limits);
    List<ConnectionWindowFigures> windows = range.fetch(store, target, limits.maxWindows());
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("target", target);
    answer.put("from", range.from());
    answer.put("to", range.to());
    answer.put("count", windows.size());
    answer.put("windows", windows);
    answer.put("pattern", pattern);
    return answer;
  }
}

package dev.foreshock.query;

import dev.foreshock.StoreNames;
import dev.foreshock.detect.errors.ErrorBaseline;
import dev.foreshock.detect.errors.ErrorWindow;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * {@code GET /api/v1/errors/{service}?from=&to=}: the service's windows that start in the range
 * (requests, errors, errorRatio, the baselineRatio each was judged against) and its current
 * baseline and spike state, from the owner.
 */
final class ErrorEndpoints {

  private final StateAccess state;
  private final QueryServer server;
  private final QueryLimits limits;

  ErrorEndpoints(StateAccess state, QueryServer server, QueryLimits limits) {
    this.state = state;
    this.server = server;
    this.limits = limits;
  }

  void addTo(QueryServer routes) {
    routes.get("/api/v1/errors/{service}", this::service);
  }

  private Object service(ApiRequest request) throws IOException {
    String service = request.param("service");
    StateAccess.Owner owner = state.owner(StoreNames.ERROR_BASELINES, service);
    Optional<QueryServer.Raw> remote = server.forwardIfRemote(owner, request);
    if (remote.isPresent()) {
      return remote.get();
    }
    ReadOnlyKeyValueStore<String, ErrorBaseline> baselines = state.keyValueStore(StoreNames.ERROR_BASELINES,
        owner.partition());
    ReadOnlyWindowStore<String, ErrorWindow> store = state.windowStore(StoreNames.ERROR_WINDOWS, owner.partition());
    ErrorBaseline baseline = baselines.get(service);
    long newest = TimeRange.newestEnd(store, service, ErrorWindow::windowEnd);
    if (baseline == null && newest < 0) {
      throw ApiException.notFound("no request stats of service '" + service + "' (within the store's retention)");
    }
    TimeRange range = TimeRange.of(request, newest >= 0 ? newest : baseline.lastDataTs(), limits);
    List<ErrorWindow> windows = range.fetch(store, service, limits.maxWindows());
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("service", service);
    answer.put("from", range.from());
    answer.put("to", range.to());
    answer.put("count", windows.size());
    answer.put("windows", windows);
    answer.put("baseline", baseline == null ? null : baseline(baseline));
    return answer;
  }

  private static Map<String, Object> baseline(ErrorBaseline b) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("baselineRatio", b.baselineRatio());
    m.put("baselineWindows", b.baselineWindows());
    m.put("severity", b.severity());
    m.put("onsetTs", b.severity() == null ? null : b.onsetTs());
    m.put("judgedUpTo", b.closedUpTo());
    m.put("lastDataTs", b.lastDataTs());
    return m;
  }
}

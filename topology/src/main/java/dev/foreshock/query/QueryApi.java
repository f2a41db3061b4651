package dev.foreshock.query;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The query API of contract section 6 on one {@link QueryServer}: health, readiness, metrics and
 * the analysts' endpoints over the state stores.
 */
public final class QueryApi {

  private final StateAccess state;
  private final PrometheusMeterRegistry metrics;

  public QueryApi(StateAccess state, PrometheusMeterRegistry metrics) {
    this.state = state;
    this.metrics = metrics;
  }

  /** Adds every route to {@code server}. */
  public QueryServer routes(QueryServer server) {
    server.get("/health", request -> health());
    server.get("/ready", request -> ready());
    server.get("/metrics", request -> new QueryServer.Raw(200, "text/plain; version=0.0.4; charset=utf-8",
        metrics.scrape().getBytes(StandardCharsets.UTF_8)));
    return server;
  }

  private Object health() {
    StateAccess.Status status = state.status();
    if (status != StateAccess.Status.RUNNING) {
      throw new ApiException(503, "the streams client is " + status);
    }
    return Map.of("status", status.name());
  }

  private Object ready() {
    StateAccess.Status status = state.status();
    if (status != StateAccess.Status.RUNNING) {
      throw new StateAccess.NotReadyException("the streams client is " + status);
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("status", "READY");
    answer.put("instances", 1 + state.otherInstances().size());
    return answer;
  }
}

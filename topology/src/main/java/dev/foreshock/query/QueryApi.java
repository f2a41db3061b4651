package dev.foreshock.query;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The query API of contract section 6 on one {@link QueryServer}: health, readiness, metrics and
 * the analysts' endpoints over the state stores (incidents, memory, connections, errors).
 */
public final class QueryApi {

  /** The content type of the Prometheus text exposition format. */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final StateAccess state;
  private final PrometheusMeterRegistry metrics;
  private final QueryLimits limits;

  public QueryApi(StateAccess state, PrometheusMeterRegistry metrics, QueryLimits limits) {
    this.state = state;
    this.metrics = metrics;
    this.limits = limits;
  }

  /** Adds every route to {@code server}. */
  public QueryServer routes(QueryServer server) {
    server.get("/health", request -> health());
    server.get("/ready", request -> ready());
    server.get("/metrics", request -> new QueryServer.Raw(200, PROMETHEUS_TEXT,
        metrics.scrape().getBytes(StandardCharsets.UTF_8)));
    new IncidentEndpoints(state, server).addTo(server);
    new MemoryEndpoints(state, server).addTo(server);
    new ConnectionEndpoints(state, server, limits).addTo(server);
    new ErrorEndpoints(state, server, limits).addTo(server);
    // the analysts' dashboard: its page and assets (/, /assets/...) and the JSON only it needs
    new DashboardEndpoints(state, server, limits).addTo(server);
    new DashboardAssets().addTo(server);
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

package dev.foreshock.query;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The query API of one running instance: bound first (so that a taken port fails before the
 * streams client starts, and port 0 can pick the port that {@code application.server} then
 * advertises), started over the client once it exists, closed before the client.
 */
public final class QueryService implements AutoCloseable {

  private final String host;
  private final QueryServer server;
  private KafkaStreamsMetrics streamsMetrics;

  private QueryService(String host, QueryServer server) {
    this.host = host;
    this.server = server;
  }

  /** Binds {@code host:port} (0 = any free port); a port in use is a clear error. */
  public static QueryService bind(String host, int port) {
    return new QueryService(host, new QueryServer(host, port));
  }

  /** The bound port: advertise {@code host:port} as {@code application.server}. */
  public int port() {
    return server.port();
  }

  public String url() {
    return "http://" + host + ":" + port();
  }

  /**
   * Serves the API over {@code streams} (whose {@code application.server} must be this host and
   * port): binds the client's metrics and the store gauges to {@code registry}, which also holds
   * the pipeline's own counters, and starts answering.
   */
  public QueryService start(KafkaStreams streams, PrometheusMeterRegistry registry, QueryLimits limits) {
    StateAccess state = new StreamsStateAccess(streams, new HostInfo(host, port()));
    streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(registry);
    QueryMeters.bindRecordsConsumed(registry, streams);
    QueryMeters.bindStoreSizes(registry, state);
    new QueryApi(state, registry, limits).routes(server);
    server.start();
    return this;
  }

  @Override
  public void close() {
    server.close();
    if (streamsMetrics != null) {
      streamsMetrics.close();
    }
  }
}

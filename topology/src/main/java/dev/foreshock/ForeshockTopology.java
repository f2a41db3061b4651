package dev.foreshock;

import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.correlate.Correlation;
import dev.foreshock.detect.Signals;
import dev.foreshock.detect.connections.ConnectionDetectors;
import dev.foreshock.detect.errors.ErrorRateDetector;
import dev.foreshock.detect.gaps.TelemetryGapDetector;
import dev.foreshock.detect.memory.MemoryDetectors;
import dev.foreshock.ingest.Ingest;
import dev.foreshock.ingest.Telemetry;
import dev.foreshock.metrics.PipelineMetrics;
import java.time.Clock;
import java.util.Properties;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.Topology;

/**
 * The whole application: ingest, the detectors, correlation. Composes the stages and nothing else;
 * {@code run}, {@code demo} and {@code backtest} all build it here.
 */
public final class ForeshockTopology {

  private final ForeshockSettings settings;
  private final Topics topics;
  private final PipelineMetrics metrics;
  private final Clock clock;
  private final StateStores.Scope scope;
  private final boolean taskClocks;

  /**
   * With every store: those of the query API and the checkpoints a restart resumes from.
   *
   * @param clock the wall clock, for the future-timestamp check of ingest and wall-clock
   *     punctuation (tests pass a fixed one)
   */
  public ForeshockTopology(ForeshockSettings settings, Topics topics, PipelineMetrics metrics, Clock clock) {
    this(settings, topics, metrics, clock, StateStores.Scope.QUERY_AND_RESTART);
  }

  /**
   * @param scope what the state is kept for: {@link StateStores.Scope#DETECTION_ONLY} leaves out the
   *     query API's stores and the restart checkpoints (an offline backtest: same candidates, less
   *     work)
   */
  public ForeshockTopology(ForeshockSettings settings, Topics topics, PipelineMetrics metrics, Clock clock,
      StateStores.Scope scope) {
    this(settings, topics, metrics, clock, scope, true);
  }

  private ForeshockTopology(ForeshockSettings settings, Topics topics, PipelineMetrics metrics, Clock clock,
      StateStores.Scope scope, boolean taskClocks) {
    this.settings = settings;
    this.topics = topics;
    this.metrics = metrics;
    this.clock = clock;
    this.scope = scope;
    this.taskClocks = taskClocks;
  }

  /**
   * The same topology for running as one task that gets every record in event order (the
   * TopologyTestDriver of the offline pipeline): correlation needs no clock from each detector
   * task there ({@link Correlation}), and a backtest of weeks saves the clocks' records.
   */
  public ForeshockTopology asOneTask() {
    return new ForeshockTopology(settings, topics, metrics, clock, scope, false);
  }

  /**
   * Builds the topology; {@code props} are the streams properties, so that optimizations and
   * topology-level settings (e.g. {@code dsl.store.suppliers.class}) apply.
   */
  public Topology build(Properties props) {
    TopologyConfig config = new TopologyConfig(new StreamsConfig(props));
    StreamsBuilder builder = new StreamsBuilder(config);
    StateStores stores = StateStores.of(config, scope);
    Telemetry telemetry = new Ingest(settings.ingest(), topics, metrics, clock).addTo(builder);

    Signals signals = new Signals();
    new ConnectionDetectors(settings.connections(), metrics, stores).addTo(builder, telemetry, signals);
    new MemoryDetectors(settings.memory(), metrics, stores).addTo(builder, telemetry, signals);
    new ErrorRateDetector(settings.errors(), metrics, stores).addTo(builder, telemetry, signals);
    new TelemetryGapDetector(settings.gaps(), metrics, stores).addTo(builder, telemetry, signals);

    new Correlation(settings.correlation(), topics, metrics, taskClocks).addTo(builder, telemetry, signals);
    return builder.build(props);
  }
}

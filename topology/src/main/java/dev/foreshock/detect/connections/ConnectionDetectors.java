package dev.foreshock.detect.connections;

import dev.foreshock.detect.Signals;
import dev.foreshock.ingest.Telemetry;
import dev.foreshock.metrics.PipelineMetrics;
import org.apache.kafka.streams.StreamsBuilder;

/** The connection detectors (bursts, periodic recycling, acquire failures). */
public final class ConnectionDetectors {

  private final ConnectionSettings settings;
  private final PipelineMetrics metrics;

  public ConnectionDetectors(ConnectionSettings settings, PipelineMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
  }

  /** Adds the detector's processors and stores to {@code builder} and its signals to {@code signals}. */
  public void addTo(StreamsBuilder builder, Telemetry telemetry, Signals signals) {
  }
}

package dev.foreshock.detect.gaps;

import dev.foreshock.detect.Signals;
import dev.foreshock.ingest.Telemetry;
import dev.foreshock.metrics.PipelineMetrics;
import org.apache.kafka.streams.StreamsBuilder;

/** The telemetry gap detector. */
public final class TelemetryGapDetector {

  private final GapSettings settings;
  private final PipelineMetrics metrics;

  public TelemetryGapDetector(GapSettings settings, PipelineMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
  }

  /** Adds the detector's processors and stores to {@code builder} and its signals to {@code signals}. */
  public void addTo(StreamsBuilder builder, Telemetry telemetry, Signals signals) {
  }
}

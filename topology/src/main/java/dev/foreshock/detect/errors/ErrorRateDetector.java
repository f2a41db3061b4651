package dev.foreshock.detect.errors;

import dev.foreshock.detect.Signals;
import dev.foreshock.ingest.Telemetry;
import dev.foreshock.metrics.PipelineMetrics;
import org.apache.kafka.streams.StreamsBuilder;

/** The error-rate spike detector. */
public final class ErrorRateDetector {

  private final ErrorRateSettings settings;
  private final PipelineMetrics metrics;

  public ErrorRateDetector(ErrorRateSettings settings, PipelineMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
  }

  /** Adds the detector's processors and stores to {@code builder} and its signals to {@code signals}. */
  public void addTo(StreamsBuilder builder, Telemetry telemetry, Signals signals) {
  }
}

package dev.foreshock.detect.memory;

import dev.foreshock.detect.Signals;
import dev.foreshock.ingest.Telemetry;
import dev.foreshock.metrics.PipelineMetrics;
import org.apache.kafka.streams.StreamsBuilder;

/** The memory detectors (growth to exhaustion, rapid rise). */
public final class MemoryDetectors {

  private final MemorySettings settings;
  private final PipelineMetrics metrics;

  public MemoryDetectors(MemorySettings settings, PipelineMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
  }

  /** Adds the detector's processors and stores to {@code builder} and its signals to {@code signals}. */
  public void addTo(StreamsBuilder builder, Telemetry telemetry, Signals signals) {
  }
}

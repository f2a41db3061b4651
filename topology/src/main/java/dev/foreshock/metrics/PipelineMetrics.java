package dev.foreshock.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Locale;

/**
 * Foreshock's own figures (dead letters, late records, candidates), registered in one Micrometer
 * registry that {@code GET /metrics} serves beside the Kafka Streams client metrics.
 */
public final class PipelineMetrics {

  private final MeterRegistry registry;

  public PipelineMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Figures kept in memory only (tests, backtests). */
  public static PipelineMetrics inMemory() {
    return new PipelineMetrics(new SimpleMeterRegistry());
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** A record sent to the dead-letter topic. */
  public void deadLetter(String topic, RejectReason reason) {
    Counter.builder("foreshock.dlq.records")
        .description("Records sent to the dead-letter topic, by source topic and reason")
        .tag("topic", topic)
        .tag("reason", reason.name().toLowerCase(Locale.ROOT))
        .register(registry)
        .increment();
  }

  /** A record that arrived after its window had closed (beyond the grace period). */
  public void lateRecord(String detector) {
    Counter.builder("foreshock.late.records")
        .description("Records that arrived after their window closed, by detector")
        .tag("detector", detector)
        .register(registry)
        .increment();
  }

  /** A candidate written to the candidates topic. */
  public void candidate(String type, String severity, String status) {
    Counter.builder("foreshock.candidates")
        .description("Incident candidates emitted, by type, severity and status")
        .tag("type", type)
        .tag("severity", severity)
        .tag("status", status)
        .register(registry)
        .increment();
  }
}

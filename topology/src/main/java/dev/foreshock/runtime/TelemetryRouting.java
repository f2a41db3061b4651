package dev.foreshock.runtime;

import dev.foreshock.Topics;
import dev.foreshock.avro.ChangeEvent;
import dev.foreshock.avro.ConnectionEvent;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.avro.ServiceDependencies;
import org.apache.avro.specific.SpecificRecord;

/**
 * Where a telemetry record goes (contract section 1): its topic, its key, and its Kafka
 * timestamp, which is the event's {@code ts} (null, the producer's clock, for dependencies
 * without one).
 */
public record TelemetryRouting(String topic, String key, Long timestamp) {

  public static TelemetryRouting of(SpecificRecord record) {
    if (record instanceof ConnectionEvent e) {
      return new TelemetryRouting(Topics.CONNECTIONS, e.getTarget(), e.getTs());
    }
    if (record instanceof MemorySample m) {
      return new TelemetryRouting(Topics.MEMORY, m.getResource(), m.getTs());
    }
    if (record instanceof RequestStats r) {
      return new TelemetryRouting(Topics.REQUESTS, r.getService(), r.getTs());
    }
    if (record instanceof ChangeEvent c) {
      return new TelemetryRouting(Topics.CHANGES, c.getTarget(), c.getTs());
    }
    if (record instanceof ServiceDependencies d) {
      return new TelemetryRouting(Topics.DEPENDENCIES, d.getService(), d.getTs());
    }
    throw new IllegalArgumentException("not a telemetry record: " + record.getSchema().getFullName());
  }
}

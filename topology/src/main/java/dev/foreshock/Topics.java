package dev.foreshock;

import dev.foreshock.avro.ChangeEvent;
import dev.foreshock.avro.ConnectionEvent;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.avro.ServiceDependencies;
import dev.foreshock.serde.AvroSerdes;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;

/** Every topic Foreshock reads or writes (contract sections 1 and 3): name, key serde, value serde. */
public final class Topics {

  public static final String CONNECTIONS = "telemetry.connections";
  public static final String MEMORY = "telemetry.memory";
  public static final String REQUESTS = "telemetry.requests";
  public static final String CHANGES = "telemetry.changes";
  public static final String DEPENDENCIES = "telemetry.dependencies";
  public static final String CANDIDATES = "foreshock.incident-candidates";
  public static final String DLQ = "foreshock.dlq";

  /** The telemetry topics, in the order of contract section 1. */
  public static final List<String> TELEMETRY = List.of(CONNECTIONS, MEMORY, REQUESTS, CHANGES, DEPENDENCIES);

  private final AvroSerdes serdes;

  public Topics(AvroSerdes serdes) {
    this.serdes = serdes;
  }

  public AvroSerdes serdes() {
    return serdes;
  }

  public Topic<String, ConnectionEvent> connections() {
    return new Topic<>(CONNECTIONS, Serdes.String(), serdes.valueSerde(ConnectionEvent.class));
  }

  public Topic<String, MemorySample> memory() {
    return new Topic<>(MEMORY, Serdes.String(), serdes.valueSerde(MemorySample.class));
  }

  public Topic<String, RequestStats> requests() {
    return new Topic<>(REQUESTS, Serdes.String(), serdes.valueSerde(RequestStats.class));
  }

  public Topic<String, ChangeEvent> changes() {
    return new Topic<>(CHANGES, Serdes.String(), serdes.valueSerde(ChangeEvent.class));
  }

  public Topic<String, ServiceDependencies> dependencies() {
    return new Topic<>(DEPENDENCIES, Serdes.String(), serdes.valueSerde(ServiceDependencies.class));
  }

  public Topic<String, IncidentCandidate> candidates() {
    return new Topic<>(CANDIDATES, Serdes.String(), serdes.valueSerde(IncidentCandidate.class));
  }

  /** Dead letters keep the original key and value bytes; headers say why and where from. */
  public Topic<byte[], byte[]> deadLetters() {
    return new Topic<>(DLQ, Serdes.ByteArray(), Serdes.ByteArray());
  }
}

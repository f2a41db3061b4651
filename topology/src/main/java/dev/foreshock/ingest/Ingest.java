package dev.foreshock.ingest;

import dev.foreshock.Topic;
import dev.foreshock.Topics;
import dev.foreshock.avro.ChangeEvent;
import dev.foreshock.avro.ConnectionEvent;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.avro.ServiceDependencies;
import dev.foreshock.metrics.PipelineMetrics;
import java.time.Clock;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Reads the telemetry topics, sends every record that cannot be read or breaks the contract to the
 * dead-letter topic, and hands the valid ones on as {@link Telemetry}, timestamped with their
 * event time.
 */
public final class Ingest {

  private final Topics topics;
  private final Validation validation;
  private final PipelineMetrics metrics;
  private final Clock clock;

  public Ingest(IngestSettings settings, Topics topics, PipelineMetrics metrics, Clock clock) {
    this.topics = topics;
    this.validation = new Validation(settings);
    this.metrics = metrics;
    this.clock = clock;
  }

  public Telemetry addTo(StreamsBuilder builder) {
    return new Telemetry(
        source(builder, topics.connections(), "connections", ConnectionEvent::getTs),
        source(builder, topics.memory(), "memory", MemorySample::getTs),
        source(builder, topics.requests(), "requests", RequestStats::getTs),
        source(builder, topics.changes(), "changes", ChangeEvent::getTs),
        source(builder, topics.dependencies(), "dependencies", d -> d.getTs() == null ? -1 : d.getTs()));
  }

  private <T extends SpecificRecord> KStream<String, T> source(
      StreamsBuilder builder, Topic<String, T> topic, String name, ToLongFunction<T> eventTime) {
    IngestSerde<T> serde = new IngestSerde<>(topic.valueSerde().deserializer(), validation, eventTime, clock);
    KStream<String, Ingested<T>> raw = builder.stream(topic.name(),
        Consumed.with(Serdes.String(), serde)
            .withTimestampExtractor(new EventTimeExtractor())
            .withName("read-" + name));
    Map<String, KStream<String, Ingested<T>>> branches = raw
        .split(Named.as("ingest-" + name + "-"))
        .branch((key, value) -> value.isValid(), Branched.as("valid"))
        .defaultBranch(Branched.as("rejected"));
    branches.get("ingest-" + name + "-rejected")
        .processValues(() -> new DeadLetterHeaders<T>(topic.name(), metrics), Named.as("dead-letter-" + name))
        .to(topics.deadLetters().name(),
            Produced.with(Serdes.String(), Serdes.ByteArray()).withName("write-dead-letters-" + name));
    return branches.get("ingest-" + name + "-valid")
        .mapValues(Ingested::value, Named.as("accept-" + name));
  }
}

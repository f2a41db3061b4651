package dev.foreshock.ingest;

import dev.foreshock.metrics.PipelineMetrics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.avro.specific.SpecificRecord;

/**
 * Turns a rejected record into a dead letter: the original bytes, with headers that say why
 * ({@code foreshock.dlq.reason}, {@code foreshock.dlq.message}) and where it came from
 * ({@code foreshock.dlq.topic}, {@code .partition}, {@code .offset}), and counts it.
 */
final class DeadLetterHeaders<T extends SpecificRecord> implements FixedKeyProcessor<String, Ingested<T>, byte[]> {

  static final String REASON = "foreshock.dlq.reason";
  static final String MESSAGE = "foreshock.dlq.message";
  static final String TOPIC = "foreshock.dlq.topic";
  static final String PARTITION = "foreshock.dlq.partition";
  static final String OFFSET = "foreshock.dlq.offset";

  private final String sourceTopic;
  private final PipelineMetrics metrics;
  private FixedKeyProcessorContext<String, byte[]> context;

  DeadLetterHeaders(String sourceTopic, PipelineMetrics metrics) {
    this.sourceTopic = sourceTopic;
    this.metrics = metrics;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, byte[]> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, Ingested<T>> record) {
    Ingested<T> ingested = record.value();
    Headers headers = record.headers();
    String topic = sourceTopic;
    String partition = "";
    String offset = "";
    RecordMetadata meta = context.recordMetadata().orElse(null);
    if (meta != null) {
      topic = meta.topic();
      partition = Integer.toString(meta.partition());
      offset = Long.toString(meta.offset());
    }
    put(headers, REASON, ingested.rejection().reason().name());
    put(headers, MESSAGE, ingested.rejection().message());
    put(headers, TOPIC, topic);
    put(headers, PARTITION, partition);
    put(headers, OFFSET, offset);
    metrics.deadLetter(sourceTopic, ingested.rejection().reason());
    context.forward(record.withValue(ingested.raw()).withHeaders(headers));
  }

  private static void put(Headers headers, String key, String value) {
    headers.remove(key);
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
  }
}

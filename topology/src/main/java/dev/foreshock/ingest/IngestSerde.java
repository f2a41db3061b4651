package dev.foreshock.ingest;

import dev.foreshock.metrics.RejectReason;
import java.time.Clock;
import java.util.function.ToLongFunction;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The source serde of a telemetry topic: decodes with the Avro deserializer, validates with
 * {@link Validation}, and never throws: whatever is wrong comes back as a rejected
 * {@link Ingested} carrying the original bytes.
 */
public final class IngestSerde<T extends SpecificRecord> implements Serde<Ingested<T>> {

  private final Deserializer<T> avro;
  private final Validation validation;
  private final ToLongFunction<T> eventTime;
  private final Clock clock;

  public IngestSerde(Deserializer<T> avro, Validation validation, ToLongFunction<T> eventTime, Clock clock) {
    this.avro = avro;
    this.validation = validation;
    this.eventTime = eventTime;
    this.clock = clock;
  }

  @Override
  public Serializer<Ingested<T>> serializer() {
    return (topic, ingested) -> ingested == null ? null : ingested.raw();
  }

  @Override
  public Deserializer<Ingested<T>> deserializer() {
    return new Deserializer<>() {
      @Override
      public Ingested<T> deserialize(String topic, byte[] data) {
        return read(topic, null, data);
      }

      @Override
      public Ingested<T> deserialize(String topic, Headers headers, byte[] data) {
        return read(topic, headers, data);
      }
    };
  }

  private Ingested<T> read(String topic, Headers headers, byte[] data) {
    if (data == null) {
      return Ingested.rejected(RejectReason.INVALID, "null value (tombstone) on a telemetry topic", null);
    }
    T value;
    try {
      value = avro.deserialize(topic, headers, data);
    } catch (RuntimeException e) {
      return Ingested.rejected(RejectReason.UNDECODABLE, String.valueOf(e.getMessage()), data);
    }
    Rejection rejection = validation.check(value, clock.millis());
    if (rejection != null) {
      return Ingested.rejected(rejection.reason(), rejection.message(), data);
    }
    return Ingested.valid(value, eventTime.applyAsLong(value), data);
  }
}

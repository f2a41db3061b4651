package dev.foreshock.ingest;

import dev.foreshock.metrics.RejectReason;
import dev.foreshock.serde.SchemaRegistryException;
import java.time.Clock;
import java.util.function.ToLongFunction;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The source serde of a telemetry topic: decodes with the Avro deserializer, validates with
 * {@link Validation}, and does not throw for a bad record: whatever is wrong with it comes back as
 * a rejected {@link Ingested} carrying the original bytes. Only a registry that cannot be reached
 * ({@link SchemaRegistryException}) is thrown, so the record is retried rather than dead-lettered.
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
    } catch (SchemaRegistryException e) {
      // The registry could not be asked: the record may be fine. Failing here makes Kafka Streams
      // retry from the last commit (the stream thread is replaced) instead of losing it to the DLQ.
      throw e;
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

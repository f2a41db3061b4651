package dev.foreshock.runtime;

import dev.foreshock.ingest.Validation;
import dev.foreshock.json.TelemetryFileReader;
import dev.foreshock.serde.AvroSerdes;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes a JSON-lines telemetry file to the telemetry topics as a real producer would: Avro in
 * the Confluent wire format, keyed as the contract says, Kafka timestamp = event time;
 * idempotent, {@code acks=all}. Bad lines are reported as {@code file:line: reason} and skipped.
 */
public final class TelemetryProducer implements AutoCloseable {

  /** What a publication did. */
  public record Result(long sent, long rejected, Duration elapsed) {}

  private final KafkaProducer<String, SpecificRecord> producer;
  private final Validation validation;
  private final Clock clock;

  /**
   * @param kafka client properties passed through (SASL, SSL, ...)
   */
  public TelemetryProducer(String bootstrapServers, Map<String, String> kafka, AvroSerdes serdes,
      Validation validation, Clock clock) {
    Map<String, Object> props = new HashMap<>(kafka);
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 20);
    props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "foreshock-produce");
    this.producer = new KafkaProducer<>(props, new StringSerializer(), new RoutingSerializer(serdes));
    this.validation = validation;
    this.clock = clock;
  }

  /**
   * Reads {@code file} and sends every valid record, at most {@code ratePerSecond} a second (0: as
   * fast as possible), reporting progress and problems ({@code file:line: reason}) to {@code messages}.
   *
   * @throws IOException if the file cannot be read
   * @throws org.apache.kafka.common.KafkaException if a record cannot be sent (the first error)
   */
  public Result publish(Path file, int ratePerSecond, Consumer<String> messages) throws IOException {
    long start = System.nanoTime();
    long intervalNanos = ratePerSecond > 0 ? 1_000_000_000L / ratePerSecond : 0L;
    AtomicLong sent = new AtomicLong();
    AtomicLong acked = new AtomicLong();
    AtomicReference<Exception> failure = new AtomicReference<>();
    long[] lastProgress = {start};
    TelemetryFileReader reader = new TelemetryFileReader(validation, clock);
    TelemetryFileReader.Summary summary = reader.read(file, record -> {
      Exception failed = failure.get();
      if (failed != null) {
        throw new org.apache.kafka.common.KafkaException("cannot send telemetry: " + failed.getMessage(), failed);
      }
      if (intervalNanos > 0) {
        long due = start + sent.get() * intervalNanos;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
      }
      TelemetryRouting route = TelemetryRouting.of(record);
      producer.send(new ProducerRecord<>(route.topic(), null, route.timestamp(), route.key(), record), (meta, e) -> {
        if (e != null) {
          failure.compareAndSet(null, new org.apache.kafka.common.KafkaException(
              "topic " + route.topic() + ", key " + route.key() + ": " + e.getMessage(), e));
        } else {
          acked.incrementAndGet();
        }
      });
      long n = sent.incrementAndGet();
      long now = System.nanoTime();
      if (now - lastProgress[0] > 2_000_000_000L) {
        lastProgress[0] = now;
        double seconds = (now - start) / 1e9;
        messages.accept(String.format(java.util.Locale.ROOT, "progress: %s: %,d records sent (%,.0f/s)", file, n, n / seconds));
      }
    }, messages);
    producer.flush();
    Exception failed = failure.get();
    if (failed != null) {
      throw new org.apache.kafka.common.KafkaException("cannot send telemetry: " + failed.getMessage(), failed);
    }
    return new Result(acked.get(), summary.rejected(), Duration.ofNanos(System.nanoTime() - start));
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(30));
  }

  /** Serializes each record with the value serde of its own type. */
  private static final class RoutingSerializer implements Serializer<SpecificRecord> {
    private final AvroSerdes serdes;
    private final Map<Class<?>, Serializer<SpecificRecord>> byType = new ConcurrentHashMap<>();

    RoutingSerializer(AvroSerdes serdes) {
      this.serdes = serdes;
    }

    @Override
    @SuppressWarnings("unchecked")
    public byte[] serialize(String topic, SpecificRecord record) {
      if (record == null) {
        return null;
      }
      Serializer<SpecificRecord> serializer = byType.computeIfAbsent(record.getClass(),
          type -> (Serializer<SpecificRecord>) serdes.valueSerde((Class<SpecificRecord>) type).serializer());
      return serializer.serialize(topic, record);
    }
  }
}

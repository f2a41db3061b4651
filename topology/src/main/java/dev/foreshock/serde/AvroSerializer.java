package dev.foreshock.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes a generated Avro record in the Confluent wire format, registering its schema under the
 * topic's TopicNameStrategy subject on first use (the id is cached per topic).
 */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {

  private final SchemaRegistry registry;
  private final Schema schema;
  private final boolean isKey;
  private final SpecificDatumWriter<T> writer;
  private final ConcurrentHashMap<String, Integer> idsByTopic = new ConcurrentHashMap<>();
  private final ThreadLocal<Buffers> buffers = ThreadLocal.withInitial(Buffers::new);

  public AvroSerializer(SchemaRegistry registry, Schema schema, boolean isKey) {
    this.registry = registry;
    this.schema = schema;
    this.isKey = isKey;
    this.writer = new SpecificDatumWriter<>(schema);
  }

  @Override
  public byte[] serialize(String topic, T record) {
    if (record == null) {
      return null;
    }
    int id = idsByTopic.computeIfAbsent(topic, t -> registry.register(WireFormat.subject(t, isKey), schema));
    Buffers b = buffers.get();
    b.out.reset();
    b.out.write(new byte[WireFormat.HEADER_LENGTH], 0, WireFormat.HEADER_LENGTH);
    b.encoder = EncoderFactory.get().directBinaryEncoder(b.out, b.encoder);
    try {
      writer.write(record, b.encoder);
      b.encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      throw new SerializationException(
          "cannot write " + schema.getName() + " to topic " + topic + ": " + e.getMessage(), e);
    }
    byte[] bytes = b.out.toByteArray();
    WireFormat.writeHeader(bytes, id);
    return bytes;
  }

  private static final class Buffers {
    final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    BinaryEncoder encoder;
  }
}

package dev.foreshock.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes a generated Avro record in the Confluent wire format (byte 0, the 4-byte big-endian
 * schema id, Avro binary), registering its schema under the topic's TopicNameStrategy subject
 * ({@code <topic>-value} or {@code <topic>-key}) on first use; the id is cached per topic, so the
 * registry is asked once per topic.
 *
 * <p>Per record: one reused buffer and encoder per thread, one array copy for the result.
 * A record that cannot be written (a required field is null) or a schema the registry refuses
 * raises a {@link SerializationException} that names the record type, the topic and the cause.
 */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {

  private static final byte[] BLANK_HEADER = new byte[WireFormat.HEADER_LENGTH];
  private static final int MAX_RETAINED_BUFFER = 1 << 20;

  private final SchemaRegistry registry;
  private final Schema schema;
  private final boolean isKey;
  private final SpecificDatumWriter<T> writer;
  private final ConcurrentHashMap<String, Integer> idsByTopic = new ConcurrentHashMap<>();
  private final ThreadLocal<Buffers> buffers = ThreadLocal.withInitial(Buffers::new);

  /**
   * @param schema the schema written (that of the generated class)
   * @param isKey whether this writes keys (subject {@code <topic>-key}) or values ({@code <topic>-value})
   */
  public AvroSerializer(SchemaRegistry registry, Schema schema, boolean isKey) {
    this(registry, schema, isKey, SpecificData.get());
  }

  /** As above, writing with {@code data} (the generated class's model, with its logical-type conversions). */
  public AvroSerializer(SchemaRegistry registry, Schema schema, boolean isKey, SpecificData data) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.schema = Objects.requireNonNull(schema, "schema");
    this.isKey = isKey;
    this.writer = new SpecificDatumWriter<>(schema, data);
  }

  @Override
  public byte[] serialize(String topic, T record) {
    if (record == null) {
      return null;
    }
    int id = schemaId(topic);
    Buffers b = buffers.get();
    b.out.reset();
    b.out.write(BLANK_HEADER, 0, BLANK_HEADER.length);
    b.encoder = EncoderFactory.get().directBinaryEncoder(b.out, b.encoder);
    try {
      writer.write(record, b.encoder);
      b.encoder.flush();
    } catch (IOException | RuntimeException e) {
      buffers.remove(); // the encoder may hold a half-written record
      throw new SerializationException("cannot write " + schema.getName() + " to topic " + topic + ": "
          + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
    byte[] bytes = b.out.toByteArray();
    if (bytes.length > MAX_RETAINED_BUFFER) {
      buffers.remove(); // one huge record must not pin its buffer to the thread
    }
    WireFormat.writeHeader(bytes, id);
    return bytes;
  }

  private int schemaId(String topic) {
    Integer id = idsByTopic.get(topic);
    if (id != null) {
      return id;
    }
    String subject = WireFormat.subject(topic, isKey);
    try {
      id = registry.register(subject, schema);
    } catch (SchemaRegistryException e) {
      throw new SerializationException("cannot register the " + schema.getName() + " schema under subject "
          + subject + ": " + e.getMessage(), e);
    }
    idsByTopic.putIfAbsent(topic, id);
    return id;
  }

  /** Per-thread output buffer and encoder, reused across records. */
  private static final class Buffers {
    final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    BinaryEncoder encoder;
  }
}

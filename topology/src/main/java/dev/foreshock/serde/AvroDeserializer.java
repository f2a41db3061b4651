package dev.foreshock.serde;

import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the Confluent wire format into a generated Avro record: the writer schema comes from the
 * registry by the id in the header, the reader schema is the generated class's, and Avro's schema
 * resolution bridges the two, so older and newer compatible producers keep working.
 *
 * <p>Anything that is not a readable record raises a {@link SerializationException} that says
 * what was wrong (not the wire format, unknown id, truncated payload).
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

  private final SchemaRegistry registry;
  private final Schema readerSchema;
  private final SpecificData data;
  private final ConcurrentHashMap<Integer, SpecificDatumReader<T>> readersById = new ConcurrentHashMap<>();
  private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();

  public AvroDeserializer(SchemaRegistry registry, Schema readerSchema, SpecificData data) {
    this.registry = registry;
    this.readerSchema = readerSchema;
    this.data = data;
  }

  @Override
  public T deserialize(String topic, byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    if (bytes.length < WireFormat.HEADER_LENGTH || bytes[0] != WireFormat.MAGIC_BYTE) {
      throw new SerializationException("not the Confluent Avro wire format: "
          + (bytes.length < WireFormat.HEADER_LENGTH ? bytes.length + " bytes, shorter than the 5-byte header"
              : "magic byte is " + bytes[0] + ", expected 0"));
    }
    int id = WireFormat.readSchemaId(bytes);
    SpecificDatumReader<T> reader;
    try {
      reader = readersById.computeIfAbsent(id, this::readerFor);
    } catch (SchemaRegistryException e) {
      throw new SerializationException("schema id " + id + ": " + e.getMessage(), e);
    }
    BinaryDecoder decoder = DecoderFactory.get()
        .binaryDecoder(bytes, WireFormat.HEADER_LENGTH, bytes.length - WireFormat.HEADER_LENGTH, decoders.get());
    decoders.set(decoder);
    try {
      T record = reader.read(null, decoder);
      if (!decoder.isEnd()) {
        throw new SerializationException("schema id " + id + ": trailing bytes after the "
            + readerSchema.getName() + " record");
      }
      return record;
    } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
      throw new SerializationException("schema id " + id + ": cannot read " + readerSchema.getName()
          + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
    }
  }

  private SpecificDatumReader<T> readerFor(int id) {
    Schema writerSchema = registry.schemaById(id);
    return new SpecificDatumReader<>(writerSchema, readerSchema, data);
  }
}

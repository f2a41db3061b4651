package dev.foreshock.serde;

import java.io.EOFException;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaIncompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
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
 * resolution bridges the two, so older and newer compatible producers keep working (a field the
 * writer lacks takes its default, a field the reader lacks is skipped).
 *
 * <p>Anything that is not a readable record raises a {@link SerializationException} whose message
 * says what was wrong (not the wire format, unknown id, a writer schema the class cannot read,
 * truncated or trailing bytes, an enum symbol the class does not know); {@code IngestSerde} turns it into a dead-letter reason. A registry
 * that cannot be asked (unreachable, timed out, HTTP 5xx, not authorized) raises a
 * {@link SchemaRegistryException} instead: that says nothing about the record, which should be
 * retried rather than dead-lettered. The registry is asked once per schema id; the compatibility
 * of a writer schema is checked once.
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

  private final SchemaRegistry registry;
  private final Schema readerSchema;
  private final SpecificData data;
  private final ConcurrentHashMap<Integer, Reader<T>> readersById = new ConcurrentHashMap<>();
  private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();

  /** The reader of one writer schema id, or why that schema cannot be read. */
  private record Reader<T>(SpecificDatumReader<T> reader, String incompatibility) { }

  public AvroDeserializer(SchemaRegistry registry, Schema readerSchema, SpecificData data) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.readerSchema = Objects.requireNonNull(readerSchema, "readerSchema");
    this.data = Objects.requireNonNull(data, "data");
  }

  @Override
  public T deserialize(String topic, byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    if (bytes.length < WireFormat.HEADER_LENGTH) {
      throw new SerializationException("not the Confluent Avro wire format: " + bytes.length
          + " bytes, shorter than the " + WireFormat.HEADER_LENGTH + "-byte header (magic byte and schema id)");
    }
    if (bytes[0] != WireFormat.MAGIC_BYTE) {
      throw new SerializationException("not the Confluent Avro wire format: magic byte is "
          + String.format("0x%02x", bytes[0] & 0xff) + ", expected 0x00");
    }
    int id = WireFormat.readSchemaId(bytes);
    Reader<T> reader = reader(id);
    if (reader.incompatibility() != null) {
      throw new SerializationException(reader.incompatibility());
    }
    BinaryDecoder decoder = DecoderFactory.get()
        .binaryDecoder(bytes, WireFormat.HEADER_LENGTH, bytes.length - WireFormat.HEADER_LENGTH, decoders.get());
    decoders.set(decoder);
    T record;
    try {
      record = reader.reader().read(null, decoder);
    } catch (EOFException e) {
      throw new SerializationException("cannot read " + readerSchema.getName() + " with schema id " + id
          + ": the payload ends early (" + (bytes.length - WireFormat.HEADER_LENGTH) + " bytes after the header)", e);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("cannot read " + readerSchema.getName() + " with schema id " + id
          + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
    try {
      if (!decoder.isEnd()) {
        throw new SerializationException("cannot read " + readerSchema.getName() + " with schema id " + id
            + ": trailing bytes after the record");
      }
    } catch (IOException e) {
      throw new SerializationException("cannot read " + readerSchema.getName() + " with schema id " + id
          + ": " + e.getMessage(), e);
    }
    return record;
  }

  private Reader<T> reader(int id) {
    Reader<T> reader = readersById.get(id);
    if (reader != null) {
      return reader;
    }
    Schema writerSchema;
    try {
      writerSchema = registry.schemaById(id);
    } catch (UnusableSchemaException e) {
      // a fact about this record; not cached here: the id may be registered later
      throw new SerializationException("cannot read " + readerSchema.getName() + " with schema id " + id
          + ": " + e.getMessage(), e);
    } catch (SchemaRegistryException e) {
      // says nothing about the record (registry down, 5xx, auth): not a SerializationException
      throw new SchemaRegistryException("cannot read " + readerSchema.getName() + " with schema id " + id
          + ": " + e.getMessage(), e);
    }
    reader = readerFor(id, writerSchema);
    Reader<T> previous = readersById.putIfAbsent(id, reader);
    return previous != null ? previous : reader;
  }

  private Reader<T> readerFor(int id, Schema writerSchema) {
    SchemaPairCompatibility compatibility;
    try {
      compatibility = SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writerSchema);
    } catch (AvroRuntimeException e) {
      return new Reader<>(null, "cannot read " + readerSchema.getName() + " with schema id " + id
          + ": the writer schema cannot be checked (" + e.getMessage() + ")");
    }
    if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE
        && !onlyDataDependent(compatibility)) {
      return new Reader<>(null, "cannot read " + readerSchema.getName() + " with schema id " + id
          + ": writer schema " + writerSchema.getFullName() + " is incompatible: " + describe(compatibility));
    }
    return new Reader<>(new SpecificDatumReader<>(writerSchema, readerSchema, data), null);
  }

  /**
   * Extra enum symbols or union branches in the writer only matter for the records that use them:
   * Avro's resolution reads the others and fails on those, so the schema is not refused as a whole.
   */
  private static boolean onlyDataDependent(SchemaPairCompatibility compatibility) {
    return compatibility.getResult().getIncompatibilities().stream()
        .allMatch(i -> i.getType() == SchemaIncompatibilityType.MISSING_ENUM_SYMBOLS
            || i.getType() == SchemaIncompatibilityType.MISSING_UNION_BRANCH);
  }

  private static String describe(SchemaPairCompatibility compatibility) {
    StringBuilder out = new StringBuilder();
    compatibility.getResult().getIncompatibilities().stream().limit(3).forEach(i -> {
      if (out.length() > 0) {
        out.append("; ");
      }
      out.append(switch (i.getType()) {
        case READER_FIELD_MISSING_DEFAULT_VALUE -> "the writer lacks field " + i.getMessage() + ", which has no default";
        case MISSING_ENUM_SYMBOLS -> "enum symbols " + i.getMessage() + " unknown to the reader, which has no default symbol";
        case MISSING_UNION_BRANCH -> "union branch missing in the reader: " + i.getMessage();
        case TYPE_MISMATCH -> "type mismatch: " + i.getMessage();
        default -> i.getType().toString().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": " + i.getMessage();
      }).append(" (at ").append(i.getLocation()).append(')');
    });
    return out.length() == 0 ? compatibility.getDescription() : out.toString();
  }
}

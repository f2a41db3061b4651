package dev.foreshock.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.smile.databind.SmileMapper;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The serde of Foreshock's own state and internal topics (Java records), never of the contract's
 * topics, which are Avro. Values are written as Smile, Jackson's binary form of JSON (the same data
 * model, so the same records and the same evolution rules: unknown properties are ignored, missing
 * ones take their defaults); they are read as Smile or, for state written by earlier versions, as
 * JSON text (a Smile value starts with the header {@code :)\n}, which no JSON text can).
 *
 * <p>Why Smile: state values are full of doubles (baselines, histories, trend figures). As text
 * every double is a decimal conversion each way, the largest single cost of the pipeline's state
 * access in the profile; Smile writes the IEEE bits as they are. The values are the same, bit for
 * bit. Blackbird replaces Jackson's reflective accessors with generated lambdas.
 */
public final class JsonSerde<T> implements Serde<T> {

  private static final ObjectMapper SMILE = SmileMapper.builder()
      .addModule(new BlackbirdModule())
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .build();

  // State written as JSON text before Smile; also fast double parsing for it.
  private static final ObjectMapper TEXT = JsonMapper.builder()
      .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
      .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .build();

  private final ObjectWriter writer;
  private final ObjectReader reader;
  private final ObjectReader textReader;
  private final Class<T> type;

  public JsonSerde(Class<T> type) {
    this.type = type;
    this.writer = SMILE.writerFor(type);
    this.reader = SMILE.readerFor(type);
    this.textReader = TEXT.readerFor(type);
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, value) -> {
      if (value == null) {
        return null;
      }
      try {
        return writer.writeValueAsBytes(value);
      } catch (IOException e) {
        throw new SerializationException("cannot write " + type.getSimpleName() + ": " + e.getMessage(), e);
      }
    };
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        return isSmile(bytes) ? reader.readValue(bytes) : textReader.readValue(bytes);
      } catch (IOException e) {
        throw new SerializationException("cannot read " + type.getSimpleName() + " (" + bytes.length + " bytes"
            + (topic == null ? "" : " of " + topic) + "): " + e.getMessage(), e);
      }
    };
  }

  /**
   * A streaming parser over a stored value, Smile or JSON text, for reading one field without
   * decoding the rest.
   */
  public static JsonParser parser(byte[] bytes) throws IOException {
    return isSmile(bytes) ? SMILE.getFactory().createParser(bytes) : TEXT.getFactory().createParser(bytes);
  }

  private static boolean isSmile(byte[] bytes) {
    return bytes.length >= 3 && bytes[0] == ':' && bytes[1] == ')' && bytes[2] == '\n';
  }
}

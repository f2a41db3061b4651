package dev.foreshock.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.foreshock.serde.InMemorySchemaRegistry;
import dev.foreshock.serde.InMemorySchemaRegistry.Registration;
import dev.foreshock.serde.SchemaRegistryException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file that keeps the embedded registry's schemas across restarts: one JSON line per new
 * version, {@code {"subject":..,"version":..,"id":..,"schema":..}}, appended and forced to disk
 * before the registration is answered, and replayed on start so that ids stay what the topics
 * already hold.
 *
 * <p>A last line cut short by a crash is dropped (with a warning); any other bad line stops the
 * start with {@code file:line: reason}.
 */
final class SchemaJournal implements InMemorySchemaRegistry.Journal, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SchemaJournal.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final FileChannel channel;

  private SchemaJournal(Path file, FileChannel channel) {
    this.file = file;
    this.channel = channel;
  }

  /** Replays {@code file} (if it exists) into {@code registry}, then opens it for appending. */
  static SchemaJournal open(Path file, InMemorySchemaRegistry registry) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      long goodLength = Files.exists(file) ? replay(file, registry) : 0;
      FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      if (channel.size() > goodLength) {
        channel.truncate(goodLength);
      }
      channel.position(goodLength);
      return new SchemaJournal(file, channel);
    } catch (IOException e) {
      throw new SchemaRegistryException("cannot open the schema registry journal " + file + ": " + e.getMessage(), e);
    }
  }

  /** Returns the length of the well-formed prefix of the file. */
  private static long replay(Path file, InMemorySchemaRegistry registry) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    int start = 0;
    int lineNumber = 0;
    int restored = 0;
    while (start < bytes.length) {
      int end = start;
      while (end < bytes.length && bytes[end] != '\n') {
        end++;
      }
      lineNumber++;
      boolean complete = end < bytes.length;
      String line = new String(bytes, start, end - start, StandardCharsets.UTF_8).trim();
      if (!line.isEmpty()) {
        Registration r;
        try {
          r = parse(line);
        } catch (IOException | RuntimeException e) {
          if (!complete) {
            LOG.warn("{}:{}: dropping an incomplete last line (cut short by a crash?)", file, lineNumber);
            return start;
          }
          throw new SchemaRegistryException(file + ":" + lineNumber + ": " + e.getMessage(), e);
        }
        try {
          registry.restore(r);
        } catch (SchemaRegistryException e) {
          throw new SchemaRegistryException(file + ":" + lineNumber + ": " + e.getMessage(), e);
        }
        restored++;
      }
      start = complete ? end + 1 : end;
    }
    LOG.info("restored {} schema versions from {}", restored, file);
    return bytes.length;
  }

  private static Registration parse(String line) throws IOException {
    JsonNode n = JSON.readTree(line);
    for (String field : new String[] {"subject", "version", "id", "schema"}) {
      if (n == null || !n.hasNonNull(field)) {
        throw new IOException("no '" + field + "' in " + line);
      }
    }
    Schema schema = new Schema.Parser().parse(n.get("schema").asText());
    return new Registration(n.get("subject").asText(), n.get("version").asInt(), n.get("id").asInt(), schema);
  }

  @Override
  public void append(Registration r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("subject", r.subject());
    n.put("version", r.version());
    n.put("id", r.id());
    n.put("schema", r.schema().toString());
    ByteBuffer line = ByteBuffer.wrap((n + "\n").getBytes(StandardCharsets.UTF_8));
    long before = -1;
    try {
      before = channel.position();
      while (line.hasRemaining()) {
        channel.write(line);
      }
      channel.force(false);
    } catch (IOException e) {
      rollBack(before);
      throw new SchemaRegistryException("cannot append to the schema registry journal " + file + ": " + e.getMessage(), e);
    }
  }

  private void rollBack(long length) {
    if (length < 0) {
      return;
    }
    try {
      channel.truncate(length);
      channel.position(length);
    } catch (IOException e) {
      LOG.warn("cannot cut the schema registry journal {} back to {} bytes: {}", file, length, e.getMessage());
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.warn("cannot close the schema registry journal {}: {}", file, e.getMessage());
    }
  }
}

package dev.foreshock.score;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.Severity;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes label files (contract section 4). Writing is deterministic: the same labels
 * give the same bytes. Reading accepts times as epoch milliseconds or ISO-8601 strings and
 * ignores fields it does not know.
 */
public final class LabelsFile {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private LabelsFile() {
  }

  /** Reads a label file; problems name the file. */
  public static Labels read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new LabelsException("cannot read label file " + file + ": " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  /** Parses labels; {@code origin} names where they came from in error messages. */
  public static Labels parse(String json, String origin) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new LabelsException(origin + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new LabelsException(origin + ": a label file is one JSON object");
    }
    List<Labels.Expectation> expect = new ArrayList<>();
    JsonNode ex = root.path("expect");
    if (!ex.isMissingNode() && !ex.isNull()) {
      requireArray(ex, origin, "expect");
      for (int i = 0; i < ex.size(); i++) {
        String where = origin + ": expect[" + i + "]";
        JsonNode e = ex.get(i);
        long notBefore = time(e, "notBefore", where);
        long deadline = time(e, "deadline", where);
        if (deadline < notBefore) {
          throw new LabelsException(where + ": deadline is before notBefore");
        }
        expect.add(new Labels.Expectation(enumValue(e, "type", CandidateType.class, where), text(e, "subject", where),
            notBefore, deadline,
            e.hasNonNull("minSeverity") ? enumValue(e, "minSeverity", Severity.class, where) : Severity.INFO,
            e.hasNonNull("exhaustsAt") ? time(e, "exhaustsAt", where) : null,
            e.hasNonNull("note") ? e.get("note").asText() : null));
      }
    }
    List<Labels.Allowed> allow = new ArrayList<>();
    JsonNode al = root.path("allow");
    if (!al.isMissingNode() && !al.isNull()) {
      requireArray(al, origin, "allow");
      for (int i = 0; i < al.size(); i++) {
        String where = origin + ": allow[" + i + "]";
        JsonNode a = al.get(i);
        allow.add(new Labels.Allowed(enumValue(a, "type", CandidateType.class, where), text(a, "subject", where),
            a.hasNonNull("note") ? a.get("note").asText() : null));
      }
    }
    Labels.Quiet quiet = null;
    JsonNode q = root.path("quiet");
    if (!q.isMissingNode() && !q.isNull()) {
      String where = origin + ": quiet";
      quiet = new Labels.Quiet(time(q, "from", where), time(q, "to", where),
          q.hasNonNull("maxSeverity") ? enumValue(q, "maxSeverity", Severity.class, where) : Severity.INFO);
    }
    Map<String, Object> parameters = new LinkedHashMap<>();
    JsonNode p = root.path("parameters");
    if (p.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        JsonNode v = f.getValue();
        parameters.put(f.getKey(), v.isIntegralNumber() ? (Object) v.asLong() : v.isNumber() ? v.asDouble() : v.asText());
      }
    }
    return new Labels(root.hasNonNull("scenario") ? root.get("scenario").asText() : null,
        root.hasNonNull("seed") ? root.get("seed").asLong() : null, parameters, expect, allow, quiet);
  }

  /** The labels as pretty-printed JSON with a fixed field order (and a final newline). */
  public static String format(Labels labels) {
    StringWriter out = new StringWriter(2048);
    DefaultPrettyPrinter pretty = new DefaultPrettyPrinter()
        .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"))
        .withObjectIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"));
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      g.setPrettyPrinter(pretty);
      g.writeStartObject();
      if (labels.scenario() != null) {
        g.writeStringField("scenario", labels.scenario());
      }
      if (labels.seed() != null) {
        g.writeNumberField("seed", labels.seed());
      }
      g.writeArrayFieldStart("expect");
      for (Labels.Expectation e : labels.expect()) {
        g.writeStartObject();
        g.writeStringField("type", e.type().name());
        g.writeStringField("subject", e.subject());
        g.writeNumberField("notBefore", e.notBefore());
        g.writeNumberField("deadline", e.deadline());
        g.writeStringField("minSeverity", e.minSeverity().name());
        if (e.exhaustsAt() != null) {
          g.writeNumberField("exhaustsAt", e.exhaustsAt());
        }
        if (e.note() != null) {
          g.writeStringField("note", e.note());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("allow");
      for (Labels.Allowed a : labels.allow()) {
        g.writeStartObject();
        g.writeStringField("type", a.type().name());
        g.writeStringField("subject", a.subject());
        if (a.note() != null) {
          g.writeStringField("note", a.note());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      if (labels.quiet() != null) {
        g.writeObjectFieldStart("quiet");
        g.writeNumberField("from", labels.quiet().from());
        g.writeNumberField("to", labels.quiet().to());
        g.writeStringField("maxSeverity", labels.quiet().maxSeverity().name());
        g.writeEndObject();
      }
      if (!labels.parameters().isEmpty()) {
        g.writeObjectFieldStart("parameters");
        for (Map.Entry<String, Object> p : labels.parameters().entrySet()) {
          g.writeFieldName(p.getKey());
          Object v = p.getValue();
          if (v instanceof Long || v instanceof Integer) {
            g.writeNumber(((Number) v).longValue());
          } else if (v instanceof Number n) {
            g.writeNumber(Math.round(n.doubleValue() * 1e6) / 1e6);
          } else {
            g.writeString(String.valueOf(v));
          }
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out + "\n";
  }

  /** Writes {@link #format(Labels)} to {@code file}. */
  public static void write(Labels labels, Path file) throws IOException {
    Files.writeString(file, format(labels), StandardCharsets.UTF_8);
  }

  private static void requireArray(JsonNode node, String origin, String field) {
    if (!node.isArray()) {
      throw new LabelsException(origin + ": \"" + field + "\" must be an array");
    }
  }

  private static String text(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull() || !v.isTextual() || v.asText().isBlank()) {
      throw new LabelsException(where + ": \"" + field + "\" must be a non-empty string");
    }
    return v.asText();
  }

  private static long time(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v != null && v.isIntegralNumber()) {
      return v.asLong();
    }
    if (v != null && v.isTextual()) {
      try {
        return OffsetDateTime.parse(v.asText()).toInstant().toEpochMilli();
      } catch (DateTimeParseException e) {
        throw new LabelsException(where + ": \"" + field + "\" is not an ISO-8601 time: \"" + v.asText() + "\"");
      }
    }
    throw new LabelsException(where + ": \"" + field + "\" must be epoch milliseconds or an ISO-8601 time");
  }

  private static <E extends Enum<E>> E enumValue(JsonNode node, String field, Class<E> type, String where) {
    String v = text(node, field, where);
    try {
      return Enum.valueOf(type, v);
    } catch (IllegalArgumentException e) {
      throw new LabelsException(where + ": \"" + field + "\" is \"" + v + "\", expected one of "
          + Arrays.toString(type.getEnumConstants()));
    }
  }
}

package dev.foreshock.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.foreshock.avro.CandidateStatus;
import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.ChangeEvent;
import dev.foreshock.avro.ConnectionEvent;
import dev.foreshock.avro.ConnectionEventKind;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.avro.ServiceDependencies;
import dev.foreshock.avro.Severity;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * The JSON-lines form of the contract (section 2): one object per line, {@code "type"} naming the
 * telemetry record; {@code ts} as epoch milliseconds or an ISO-8601 string. Candidates are written
 * as the same objects as on the candidates topic (their own {@code type} is the candidate type).
 *
 * <p>Parsing checks the shape of a line (JSON, known type, required fields, field types); the
 * contract's value rules are {@link dev.foreshock.ingest.Validation}'s, applied by the readers.
 */
public final class JsonLines {

  /** The telemetry record types, as written in the {@code "type"} field. */
  public static final List<String> TYPES = List.of("connection", "memory", "requests", "change", "dependencies");

  private final ObjectMapper mapper = new ObjectMapper();
  private final JsonFactory factory = mapper.getFactory();

  /** Reads one line into a telemetry record. */
  public SpecificRecord parse(String line) throws JsonLineException {
    JsonNode node;
    try {
      node = mapper.readTree(line);
    } catch (JsonProcessingException e) {
      throw new JsonLineException("not valid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new JsonLineException("not a JSON object");
    }
    JsonNode type = node.get("type");
    if (type == null || !type.isTextual()) {
      throw new JsonLineException("missing \"type\" (one of " + String.join(", ", TYPES) + ")");
    }
    return switch (type.asText()) {
      case "connection" -> ConnectionEvent.newBuilder()
          .setTs(ts(node, "ts"))
          .setService(text(node, "service"))
          .setInstance(text(node, "instance"))
          .setTarget(text(node, "target"))
          .setEvent(connectionKind(node))
          .setReason(optionalText(node, "reason"))
          .setCount(node.has("count") && !node.get("count").isNull() ? (int) whole(node, "count") : 1)
          .build();
      case "memory" -> MemorySample.newBuilder()
          .setTs(ts(node, "ts"))
          .setResource(text(node, "resource"))
          .setHost(optionalText(node, "host"))
          .setUsedBytes(whole(node, "usedBytes"))
          .setMaxBytes(node.has("maxBytes") && !node.get("maxBytes").isNull() ? whole(node, "maxBytes") : null)
          .build();
      case "requests" -> RequestStats.newBuilder()
          .setTs(ts(node, "ts"))
          .setService(text(node, "service"))
          .setInstance(text(node, "instance"))
          .setIntervalMs(whole(node, "intervalMs"))
          .setRequests(whole(node, "requests"))
          .setErrors(whole(node, "errors"))
          .build();
      case "change" -> ChangeEvent.newBuilder()
          .setTs(ts(node, "ts"))
          .setTarget(text(node, "target"))
          .setKind(text(node, "kind"))
          .setDescription(node.has("description") && !node.get("description").isNull() ? text(node, "description") : "")
          .build();
      case "dependencies" -> ServiceDependencies.newBuilder()
          .setService(text(node, "service"))
          .setDependsOn(textArray(node, "dependsOn"))
          .setTs(node.has("ts") && !node.get("ts").isNull() ? ts(node, "ts") : null)
          .build();
      default -> throw new JsonLineException("unknown type \"" + type.asText() + "\" (expected one of "
          + String.join(", ", TYPES) + ")");
    };
  }

  /** Writes a telemetry record as one line (no newline), with its {@code "type"}. */
  public String format(SpecificRecord record) {
    StringWriter out = new StringWriter(160);
    try (JsonGenerator g = factory.createGenerator(out)) {
      g.writeStartObject();
      if (record instanceof ConnectionEvent e) {
        g.writeStringField("type", "connection");
        g.writeNumberField("ts", e.getTs());
        g.writeStringField("service", e.getService());
        g.writeStringField("instance", e.getInstance());
        g.writeStringField("target", e.getTarget());
        g.writeStringField("event", e.getEvent().name());
        if (e.getReason() != null) {
          g.writeStringField("reason", e.getReason());
        }
        g.writeNumberField("count", e.getCount());
      } else if (record instanceof MemorySample m) {
        g.writeStringField("type", "memory");
        g.writeNumberField("ts", m.getTs());
        g.writeStringField("resource", m.getResource());
        if (m.getHost() != null) {
          g.writeStringField("host", m.getHost());
        }
        g.writeNumberField("usedBytes", m.getUsedBytes());
        if (m.getMaxBytes() != null) {
          g.writeNumberField("maxBytes", m.getMaxBytes());
        }
      } else if (record instanceof RequestStats r) {
        g.writeStringField("type", "requests");
        g.writeNumberField("ts", r.getTs());
        g.writeStringField("service", r.getService());
        g.writeStringField("instance", r.getInstance());
        g.writeNumberField("intervalMs", r.getIntervalMs());
        g.writeNumberField("requests", r.getRequests());
        g.writeNumberField("errors", r.getErrors());
      } else if (record instanceof ChangeEvent c) {
        g.writeStringField("type", "change");
        g.writeNumberField("ts", c.getTs());
        g.writeStringField("target", c.getTarget());
        g.writeStringField("kind", c.getKind());
        g.writeStringField("description", c.getDescription());
      } else if (record instanceof ServiceDependencies d) {
        g.writeStringField("type", "dependencies");
        g.writeStringField("service", d.getService());
        g.writeArrayFieldStart("dependsOn");
        for (String s : d.getDependsOn()) {
          g.writeString(s);
        }
        g.writeEndArray();
        if (d.getTs() != null) {
          g.writeNumberField("ts", d.getTs());
        }
      } else if (record instanceof IncidentCandidate c) {
        writeCandidateFields(g, c);
      } else {
        throw new IllegalArgumentException("not a contract record: " + record.getSchema().getFullName());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** Reads a candidate written by {@link #format}. */
  public IncidentCandidate parseCandidate(String line) throws JsonLineException {
    JsonNode node;
    try {
      node = mapper.readTree(line);
    } catch (JsonProcessingException e) {
      throw new JsonLineException("not valid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new JsonLineException("not a JSON object");
    }
    Map<String, Double> evidence = new LinkedHashMap<>();
    JsonNode ev = node.get("evidence");
    if (ev != null && ev.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = ev.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        evidence.put(f.getKey(), f.getValue().asDouble());
      }
    }
    return IncidentCandidate.newBuilder()
        .setId(text(node, "id"))
        .setType(enumValue(node, "type", CandidateType.class))
        .setSeverity(enumValue(node, "severity", Severity.class))
        .setStatus(enumValue(node, "status", CandidateStatus.class))
        .setSubject(text(node, "subject"))
        .setTs(ts(node, "ts"))
        .setWindowStart(ts(node, "windowStart"))
        .setWindowEnd(ts(node, "windowEnd"))
        .setSummary(node.has("summary") ? node.get("summary").asText() : "")
        .setEvidence(evidence)
        .setRelated(node.has("related") ? textArray(node, "related") : List.of())
        .setProbableCauses(node.has("probableCauses") ? textArray(node, "probableCauses") : List.of())
        .build();
  }

  private static void writeCandidateFields(JsonGenerator g, IncidentCandidate c) throws IOException {
    g.writeStringField("id", c.getId());
    g.writeStringField("type", c.getType().name());
    g.writeStringField("severity", c.getSeverity().name());
    g.writeStringField("status", c.getStatus().name());
    g.writeStringField("subject", c.getSubject());
    g.writeNumberField("ts", c.getTs());
    g.writeNumberField("windowStart", c.getWindowStart());
    g.writeNumberField("windowEnd", c.getWindowEnd());
    g.writeStringField("summary", c.getSummary());
    g.writeObjectFieldStart("evidence");
    for (Map.Entry<String, Double> e : new java.util.TreeMap<>(c.getEvidence()).entrySet()) {
      double v = e.getValue();
      if (v == Math.rint(v) && Math.abs(v) < 1e15) {
        g.writeNumberField(e.getKey(), (long) v);
      } else if (Double.isFinite(v)) {
        g.writeNumberField(e.getKey(), v);
      } else {
        g.writeNullField(e.getKey());
      }
    }
    g.writeEndObject();
    g.writeArrayFieldStart("related");
    for (String s : c.getRelated()) {
      g.writeString(s);
    }
    g.writeEndArray();
    g.writeArrayFieldStart("probableCauses");
    for (String s : c.getProbableCauses()) {
      g.writeString(s);
    }
    g.writeEndArray();
  }

  private static long ts(JsonNode node, String field) throws JsonLineException {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new JsonLineException("missing field \"" + field + "\"");
    }
    if (v.isIntegralNumber()) {
      return v.asLong();
    }
    if (v.isTextual()) {
      try {
        return OffsetDateTime.parse(v.asText()).toInstant().toEpochMilli();
      } catch (DateTimeParseException e) {
        throw new JsonLineException("field \"" + field + "\" is not epoch milliseconds or an ISO-8601 time: \""
            + v.asText() + "\"");
      }
    }
    throw new JsonLineException("field \"" + field + "\" must be epoch milliseconds or an ISO-8601 string, was " + v);
  }

  private static String text(JsonNode node, String field) throws JsonLineException {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new JsonLineException("missing field \"" + field + "\"");
    }
    if (!v.isTextual()) {
      throw new JsonLineException("field \"" + field + "\" must be a string, was " + v);
    }
    return v.asText();
  }

  private static String optionalText(JsonNode node, String field) throws JsonLineException {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : text(node, field);
  }

  private static long whole(JsonNode node, String field) throws JsonLineException {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new JsonLineException("missing field \"" + field + "\"");
    }
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      return v.asLong();
    }
    if (v.isFloatingPointNumber() && v.asDouble() == Math.rint(v.asDouble()) && Math.abs(v.asDouble()) < 9e18) {
      return (long) v.asDouble();
    }
    throw new JsonLineException("field \"" + field + "\" must be a whole number, was " + v);
  }

  private static List<String> textArray(JsonNode node, String field) throws JsonLineException {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new JsonLineException("missing field \"" + field + "\"");
    }
    if (!v.isArray()) {
      throw new JsonLineException("field \"" + field + "\" must be an array of strings, was " + v);
    }
    List<String> out = new ArrayList<>(v.size());
    for (JsonNode item : v) {
      if (!item.isTextual()) {
        throw new JsonLineException("field \"" + field + "\" must hold only strings, found " + item);
      }
      out.add(item.asText());
    }
    return out;
  }

  private static ConnectionEventKind connectionKind(JsonNode node) throws JsonLineException {
    return enumValue(node, "event", ConnectionEventKind.class);
  }

  private static <E extends Enum<E>> E enumValue(JsonNode node, String field, Class<E> type) throws JsonLineException {
    String v = text(node, field);
    try {
      return Enum.valueOf(type, v);
    } catch (IllegalArgumentException e) {
      List<String> names = new ArrayList<>();
      for (E c : type.getEnumConstants()) {
        names.add(c.name());
      }
      throw new JsonLineException("field \"" + field + "\" is \"" + v + "\", expected one of " + String.join(", ", names));
    }
  }
}

package dev.foreshock.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
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

  /**
   * Reads one line into a telemetry record. Fields the record does not have are ignored; a field
   * given twice counts once, with its last value.
   */
  public SpecificRecord parse(String line) throws JsonLineException {
    Object[] f = new Object[FIELDS];
    try (JsonParser p = factory.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new JsonLineException("not a JSON object");
      }
      JsonToken token;
      while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
        int field = fieldIndex(p.currentName());
        JsonToken value = p.nextToken();
        if (field < 0) {
          p.skipChildren();
        } else {
          f[field] = field == DEPENDS_ON ? readArray(p, value) : readScalar(p, value);
        }
      }
      if (token != JsonToken.END_OBJECT) {
        throw new JsonLineException("not valid JSON: unexpected " + token);
      }
      if (p.nextToken() != null) {
        throw new JsonLineException("not valid JSON: more after the end of the object");
      }
    } catch (JsonProcessingException e) {
      throw new JsonLineException("not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // reading a String does not fail
    }
    if (!(f[TYPE] instanceof String type)) {
      throw new JsonLineException("missing \"type\" (one of " + String.join(", ", TYPES) + ")");
    }
    return switch (type) {
      case "connection" -> ConnectionEvent.newBuilder()
          .setTs(ts(f, TS))
          .setService(text(f, SERVICE))
          .setInstance(text(f, INSTANCE))
          .setTarget(text(f, TARGET))
          .setEvent(enumValue(f, EVENT, ConnectionEventKind.class))
          .setReason(optionalText(f, REASON))
          .setCount(isAbsent(f, COUNT) ? 1 : wholeInt(f, COUNT))
          .build();
      case "memory" -> MemorySample.newBuilder()
          .setTs(ts(f, TS))
          .setResource(text(f, RESOURCE))
          .setHost(optionalText(f, HOST))
          .setUsedBytes(whole(f, USED_BYTES))
          .setMaxBytes(isAbsent(f, MAX_BYTES) ? null : whole(f, MAX_BYTES))
          .build();
      case "requests" -> RequestStats.newBuilder()
          .setTs(ts(f, TS))
          .setService(text(f, SERVICE))
          .setInstance(text(f, INSTANCE))
          .setIntervalMs(whole(f, INTERVAL_MS))
          .setRequests(whole(f, REQUESTS))
          .setErrors(whole(f, ERRORS))
          .build();
      case "change" -> ChangeEvent.newBuilder()
          .setTs(ts(f, TS))
          .setTarget(text(f, TARGET))
          .setKind(text(f, KIND))
          .setDescription(isAbsent(f, DESCRIPTION) ? "" : text(f, DESCRIPTION))
          .build();
      case "dependencies" -> ServiceDependencies.newBuilder()
          .setService(text(f, SERVICE))
          .setDependsOn(textArray(f, DEPENDS_ON))
          .setTs(isAbsent(f, TS) ? null : ts(f, TS))
          .build();
      default -> throw new JsonLineException("unknown type \"" + type + "\" (expected one of "
          + String.join(", ", TYPES) + ")");
    };
  }

  // The fields of the telemetry lines, by position in the array parse() fills.
  private static final int TYPE = 0;
  private static final int TS = 1;
  private static final int SERVICE = 2;
  private static final int INSTANCE = 3;
  private static final int TARGET = 4;
  private static final int EVENT = 5;
  private static final int REASON = 6;
  private static final int COUNT = 7;
  private static final int RESOURCE = 8;
  private static final int HOST = 9;
  private static final int USED_BYTES = 10;
  private static final int MAX_BYTES = 11;
  private static final int INTERVAL_MS = 12;
  private static final int REQUESTS = 13;
  private static final int ERRORS = 14;
  private static final int KIND = 15;
  private static final int DESCRIPTION = 16;
  private static final int DEPENDS_ON = 17;
  private static final int FIELDS = 18;
  private static final String[] FIELD_NAMES = {"type", "ts", "service", "instance", "target", "event", "reason",
      "count", "resource", "host", "usedBytes", "maxBytes", "intervalMs", "requests", "errors", "kind",
      "description", "dependsOn"};

  /** JSON null, as opposed to a field that is not there (Java null). */
  private static final Object NULL = new Object() {
    @Override
    public String toString() {
      return "null";
    }
  };

  /** A value of a shape no telemetry field has (an object, or an array where a scalar belongs). */
  private record Composite(String description) {
    @Override
    public String toString() {
      return description;
    }
  }

  private static int fieldIndex(String name) {
    return switch (name) {
      case "type" -> TYPE;
      case "ts" -> TS;
      case "service" -> SERVICE;
      case "instance" -> INSTANCE;
      case "target" -> TARGET;
      case "event" -> EVENT;
      case "reason" -> REASON;
      case "count" -> COUNT;
      case "resource" -> RESOURCE;
      case "host" -> HOST;
      case "usedBytes" -> USED_BYTES;
      case "maxBytes" -> MAX_BYTES;
      case "intervalMs" -> INTERVAL_MS;
      case "requests" -> REQUESTS;
      case "errors" -> ERRORS;
      case "kind" -> KIND;
      case "description" -> DESCRIPTION;
      case "dependsOn" -> DEPENDS_ON;
      default -> -1;
    };
  }

  /** A scalar as String, Long, BigInteger, Double, Boolean or NULL; anything else as a Composite. */
  private static Object readScalar(JsonParser p, JsonToken token) throws IOException {
    return switch (token) {
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
          ? p.getBigIntegerValue() : (Object) p.getLongValue();
      case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> NULL;
      case START_ARRAY -> {
        p.skipChildren();
        yield new Composite("an array");
      }
      default -> {
        p.skipChildren();
        yield new Composite("an object");
      }
    };
  }

  private static Object readArray(JsonParser p, JsonToken token) throws IOException {
    if (token != JsonToken.START_ARRAY) {
      return readScalar(p, token);
    }
    List<Object> items = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      items.add(readScalar(p, t));
    }
    return items;
  }

  private static boolean isAbsent(Object[] f, int field) {
    return f[field] == null || f[field] == NULL;
  }

  private static String show(Object v) {
    return v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
  }

  private static JsonLineException missing(int field) {
    return new JsonLineException("missing field \"" + FIELD_NAMES[field] + "\"");
  }

  private static long ts(Object[] f, int field) throws JsonLineException {
    Object v = f[field];
    if (isAbsent(f, field)) {
      throw missing(field);
    }
    if (v instanceof Long l) {
      return l;
    }
    if (v instanceof String s) {
      try {
        return OffsetDateTime.parse(s).toInstant().toEpochMilli();
      } catch (DateTimeParseException e) {
        throw new JsonLineException("field \"" + FIELD_NAMES[field]
            + "\" is not epoch milliseconds or an ISO-8601 time: \"" + s + "\"");
      }
    }
    throw new JsonLineException("field \"" + FIELD_NAMES[field]
        + "\" must be epoch milliseconds or an ISO-8601 string, was " + show(v));
  }

  private static String text(Object[] f, int field) throws JsonLineException {
    Object v = f[field];
    if (isAbsent(f, field)) {
      throw missing(field);
    }
    if (!(v instanceof String s)) {
      throw new JsonLineException("field \"" + FIELD_NAMES[field] + "\" must be a string, was " + show(v));
    }
    return s;
  }

  private static String optionalText(Object[] f, int field) throws JsonLineException {
    return isAbsent(f, field) ? null : text(f, field);
  }

  private static long whole(Object[] f, int field) throws JsonLineException {
    Object v = f[field];
    if (isAbsent(f, field)) {
      throw missing(field);
    }
    if (v instanceof Long l) {
      return l;
    }
    if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 9e18) {
      return d.longValue();
    }
    throw new JsonLineException("field \"" + FIELD_NAMES[field] + "\" must be a whole number, was " + show(v));
  }

  private static int wholeInt(Object[] f, int field) throws JsonLineException {
    long v = whole(f, field);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new JsonLineException("field \"" + FIELD_NAMES[field] + "\" is too large, was " + v);
    }
    return (int) v;
  }

  private static List<String> textArray(Object[] f, int field) throws JsonLineException {
    Object v = f[field];
    if (isAbsent(f, field)) {
      throw missing(field);
    }
    if (!(v instanceof List<?> items)) {
      throw new JsonLineException("field \"" + FIELD_NAMES[field] + "\" must be an array of strings, was "
          + show(v));
    }
    List<String> out = new ArrayList<>(items.size());
    for (Object item : items) {
      if (!(item instanceof String s)) {
        throw new JsonLineException("field \"" + FIELD_NAMES[field] + "\" must hold only strings, found "
            + show(item));
      }
      out.add(s);
    }
    return out;
  }

  private static <E extends Enum<E>> E enumValue(Object[] f, int field, Class<E> type) throws JsonLineException {
    String v = text(f, field);
    try {
      return Enum.valueOf(type, v);
    } catch (IllegalArgumentException e) {
      List<String> names = new ArrayList<>();
      for (E c : type.getEnumConstants()) {
        names.add(c.name());
      }
      throw new JsonLineException("field \"" + FIELD_NAMES[field] + "\" is \"" + v + "\", expected one of "
          + String.join(", ", names));
    }
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

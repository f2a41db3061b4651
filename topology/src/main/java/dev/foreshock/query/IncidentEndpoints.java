package dev.foreshock.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.foreshock.StoreNames;
import dev.foreshock.avro.CandidateType;
import dev.foreshock.correlate.CandidateHistory;
import dev.foreshock.correlate.CandidateRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@code GET /api/v1/incidents[?status=&type=&subject=&limit=]}: current candidates and incidents
 * (open ones and those resolved within {@code correlation.history.retention}), newest first,
 * merged from every instance; {@code GET /api/v1/incidents/{id}}: one with its history, from the
 * instance that owns it.
 */
final class IncidentEndpoints {

  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1_000;
  private static final List<String> STATUSES = List.of("ALL", "OPEN", "UPDATED", "RESOLVED");

  private final StateAccess state;
  private final QueryServer server;
  private final ObjectMapper json;

  IncidentEndpoints(StateAccess state, QueryServer server) {
    this.state = state;
    this.server = server;
    this.json = server.json();
  }

  void addTo(QueryServer routes) {
    routes.get("/api/v1/incidents", this::list);
    routes.get("/api/v1/incidents/{id}", this::one);
  }

  private Object list(ApiRequest request) throws IOException {
    String status = request.query("status", "ALL").toUpperCase(Locale.ROOT);
    if (!STATUSES.contains(status)) {
      throw ApiException.badRequest("query parameter 'status' must be OPEN (open or updated), UPDATED, RESOLVED or"
          + " ALL, was '" + request.query("status", "") + "'");
    }
    CandidateType type = type(request.query("type", null));
    String subject = request.query("subject", null);
    int limit = request.integer("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    // ask the others first: a 503 from one of them makes the whole list 503 before reading here
    List<JsonNode> others = server.fanOut(state, request);
    List<JsonNode> all = new ArrayList<>();
    Optional<ReadOnlyKeyValueStore<String, CandidateHistory>> store =
        state.localKeyValueStore(StoreNames.CANDIDATE_HISTORY);
    if (store.isPresent()) {
      try (KeyValueIterator<String, CandidateHistory> it = store.get().all()) {
        while (it.hasNext()) {
          KeyValue<String, CandidateHistory> kv = it.next();
          CandidateRecord c = kv.value.current();
          if (matches(c, status, type, subject)) {
            all.add(json.valueToTree(c));
          }
        }
      }
    }
    for (JsonNode answer : others) {
      answer.path("incidents").forEach(all::add);
    }
    all.sort(Comparator.comparingLong((JsonNode n) -> n.path("ts").asLong()).reversed()
        .thenComparing(n -> n.path("id").asText()));
    Map<String, Object> answer = new LinkedHashMap<>();
    // forwarded: the asking instance applies the limit after merging
    boolean cut = !request.forwarded() && all.size() > limit;
    answer.put("count", cut ? limit : all.size());
    answer.put("total", all.size());
    answer.put("incidents", cut ? all.subList(0, limit) : all);
    return answer;
  }

  private Object one(ApiRequest request) throws IOException {
    String id = request.param("id");
    StateAccess.Owner owner = state.owner(StoreNames.CANDIDATE_HISTORY, id);
    Optional<QueryServer.Raw> remote = server.forwardIfRemote(owner, request);
    if (remote.isPresent()) {
      return remote.get();
    }
    ReadOnlyKeyValueStore<String, CandidateHistory> store =
        state.keyValueStore(StoreNames.CANDIDATE_HISTORY, owner.partition());
    CandidateHistory h = store.get(id);
    if (h == null) {
      throw ApiException.notFound("no candidate with id '" + id + "' (open, or resolved recently)");
    }
    ObjectNode answer = json.valueToTree(h.current());
    answer.set("history", json.valueToTree(h.history()));
    return answer;
  }

  private static CandidateType type(String value) {
    if (value == null) {
      return null;
    }
    try {
      return CandidateType.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("query parameter 'type' must be one of " + Arrays.toString(CandidateType.values())
          + ", was '" + value + "'");
    }
  }

  private static boolean matches(CandidateRecord c, String status, CandidateType type, String subject) {
    boolean statusOk = switch (status) {
      case "OPEN" -> c.isOpen();
      case "ALL" -> true;
      default -> c.status().name().equals(status);
    };
    return statusOk && (type == null || c.type() == type) && (subject == null || subject.equals(c.subject()));
  }
}

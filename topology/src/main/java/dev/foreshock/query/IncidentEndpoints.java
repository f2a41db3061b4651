package dev.foreshock.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.foreshock.StoreNames;
import dev.foreshock.correlate.CandidateHistory;
import dev.foreshock.correlate.CandidateRecord;
import java.io.IOException;
import java.util.ArrayList;
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
 * {@code GET /api/v1/incidents[?status=&type=&limit=]}: current candidates and incidents, newest
 * first, merged from every instance; {@code GET /api/v1/incidents/{id}}: one with its history,
 * from the instance that owns it.
 */
final class IncidentEndpoints {

  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1_000;

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
    if (!List.of("ALL", "OPEN", "UPDATED", "RESOLVED").contains(status)) {
      throw ApiException.badRequest("status must be OPEN, UPDATED, RESOLVED or ALL, was '" + request.query("status", "") + "'");
    }
    String type = request.query("type", null);
    int limit = limit(request);
    List<JsonNode> all = new ArrayList<>();
    ReadOnlyKeyValueStore<String, CandidateHistory> store = state.keyValueStore(StoreNames.CANDIDATE_HISTORY);
    try (KeyValueIterator<String, CandidateHistory> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, CandidateHistory> kv = it.next();
        CandidateRecord c = kv.value.current();
        if (matches(c, status, type)) {
          all.add(json.valueToTree(c));
        }
      }
    }
    for (JsonNode answer : server.fanOut(state, request)) {
      answer.path("incidents").forEach(all::add);
    }
    all.sort(Comparator.comparingLong((JsonNode n) -> n.path("ts").asLong()).reversed()
        .thenComparing(n -> n.path("id").asText()));
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("count", Math.min(all.size(), limit));
    answer.put("total", all.size());
    answer.put("incidents", all.size() > limit ? all.subList(0, limit) : all);
    return answer;
  }

  private Object one(ApiRequest request) throws IOException {
    String id = request.param("id");
    Optional<QueryServer.Raw> remote = server.forwardToOwner(state, StoreNames.CANDIDATE_HISTORY, id, request);
    if (remote.isPresent()) {
      return remote.get();
    }
    ReadOnlyKeyValueStore<String, CandidateHistory> store = state.keyValueStore(StoreNames.CANDIDATE_HISTORY);
    CandidateHistory h = store.get(id);
    if (h == null) {
      throw ApiException.notFound("no candidate with id '" + id + "' (open, or resolved recently)");
    }
    com.fasterxml.jackson.databind.node.ObjectNode answer = json.valueToTree(h.current());
    answer.set("history", json.valueToTree(h.history()));
    return answer;
  }

  private static boolean matches(CandidateRecord c, String status, String type) {
    boolean statusOk = switch (status) {
      case "OPEN" -> c.isOpen();
      case "ALL" -> true;
      default -> c.status().name().equals(status);
    };
    return statusOk && (type == null || c.type().name().equalsIgnoreCase(type));
  }

  static int limit(ApiRequest request) {
    String v = request.query("limit", null);
    if (v == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < 1 || n > MAX_LIMIT) {
        throw ApiException.badRequest("limit must be between 1 and " + MAX_LIMIT + ", was " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("limit must be a whole number, was '" + v + "'");
    }
  }
}

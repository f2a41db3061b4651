package dev.foreshock.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * A registry held in memory: ids are global, a schema text gets one id whatever the subject, as in
 * the Confluent registry. For unit tests and offline backtests, and the store behind the embedded
 * HTTP registry.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {

  private final Map<String, Integer> idsBySchemaText = new HashMap<>();
  private final List<Schema> schemasById = new ArrayList<>();
  private final Map<String, List<Integer>> versionsBySubject = new HashMap<>();

  @Override
  public synchronized int register(String subject, Schema schema) {
    String text = schema.toString();
    Integer id = idsBySchemaText.get(text);
    if (id == null) {
      schemasById.add(schema);
      id = schemasById.size();
      idsBySchemaText.put(text, id);
    }
    List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
    if (!versions.contains(id)) {
      versions.add(id);
    }
    return id;
  }

  @Override
  public synchronized Schema schemaById(int id) {
    if (id < 1 || id > schemasById.size()) {
      throw new SchemaRegistryException("unknown schema id " + id);
    }
    return schemasById.get(id - 1);
  }

  /** Subjects in registration order of their first version. */
  public synchronized List<String> subjects() {
    return List.copyOf(versionsBySubject.keySet());
  }

  /** The ids of {@code subject}'s versions, oldest first (version n is element n-1); empty if unknown. */
  public synchronized List<Integer> versions(String subject) {
    return List.copyOf(versionsBySubject.getOrDefault(subject, List.of()));
  }
}

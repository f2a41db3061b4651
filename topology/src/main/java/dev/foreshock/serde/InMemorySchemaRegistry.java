package dev.foreshock.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * A registry held in memory with the semantics of the Confluent Schema Registry: ids are global
 * and a schema text gets one id whatever the subject; a subject's versions are numbered from 1 and
 * registering a schema a subject already has returns its id without a new version.
 *
 * <p>For unit tests and offline backtests (no HTTP at all), and the store behind the embedded HTTP
 * registry, which gives it a {@link Journal} to persist every new version. Thread safe.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {

  /** One version of a subject: {@code version} (from 1) of {@code subject} is schema {@code id}. */
  public record Registration(String subject, int version, int id, Schema schema) {
    public Registration {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(schema, "schema");
    }
  }

  /**
   * Told of every new version before it takes effect, under the registry's lock, so journal order
   * is registration order; an exception rejects the registration and leaves the registry as it was.
   */
  @FunctionalInterface
  public interface Journal {
    void append(Registration registration);
  }

  private final Map<String, Integer> idsBySchemaText = new HashMap<>();
  private final Map<Integer, Schema> schemasById = new HashMap<>();
  private final Map<String, List<Integer>> versionsBySubject = new LinkedHashMap<>();
  private int maxId;
  private Journal journal = r -> { };

  /** Sets the journal that every later new version is appended to. */
  public synchronized void journal(Journal journal) {
    this.journal = Objects.requireNonNull(journal, "journal");
  }

  @Override
  public synchronized int register(String subject, Schema schema) {
    Objects.requireNonNull(subject, "subject");
    String text = schema.toString();
    Integer known = idsBySchemaText.get(text);
    List<Integer> versions = versionsBySubject.get(subject);
    if (known != null && versions != null && versions.contains(known)) {
      return known;
    }
    int id = known != null ? known : maxId + 1;
    Registration r = new Registration(subject, versions == null ? 1 : versions.size() + 1, id, schema);
    journal.append(r);
    apply(r, text);
    return id;
  }

  /**
   * Puts back a version read from a journal, keeping its id and version number; says what is
   * inconsistent (an id already taken by another schema, a version out of order).
   */
  public synchronized void restore(Registration r) {
    if (r.id() < 1) {
      throw new SchemaRegistryException("id " + r.id() + " of subject " + r.subject() + " is not positive");
    }
    String text = r.schema().toString();
    Integer known = idsBySchemaText.get(text);
    if (known != null && known != r.id()) {
      throw new SchemaRegistryException("schema of subject " + r.subject() + " version " + r.version()
          + " is already registered with id " + known + ", not " + r.id());
    }
    Schema other = schemasById.get(r.id());
    if (other != null && !other.toString().equals(text)) {
      throw new SchemaRegistryException("id " + r.id() + " (subject " + r.subject() + " version "
          + r.version() + ") is already taken by another schema");
    }
    List<Integer> versions = versionsBySubject.getOrDefault(r.subject(), List.of());
    if (r.version() != versions.size() + 1) {
      throw new SchemaRegistryException("subject " + r.subject() + " version " + r.version()
          + " out of order: expected version " + (versions.size() + 1));
    }
    apply(r, text);
  }

  private void apply(Registration r, String text) {
    idsBySchemaText.put(text, r.id());
    schemasById.put(r.id(), r.schema());
    maxId = Math.max(maxId, r.id());
    versionsBySubject.computeIfAbsent(r.subject(), s -> new ArrayList<>()).add(r.id());
  }

  /** The schema with {@code id}; throws {@link UnusableSchemaException} if there is none. */
  @Override
  public synchronized Schema schemaById(int id) {
    Schema schema = schemasById.get(id);
    if (schema == null) {
      throw new UnusableSchemaException("unknown schema id " + id);
    }
    return schema;
  }

  /** The schema with {@code id}, if any. */
  public synchronized Optional<Schema> findSchema(int id) {
    return Optional.ofNullable(schemasById.get(id));
  }

  /** Subjects in registration order of their first version. */
  public synchronized List<String> subjects() {
    return List.copyOf(versionsBySubject.keySet());
  }

  /** The ids of {@code subject}'s versions, oldest first (version n is element n-1); empty if unknown. */
  public synchronized List<Integer> versions(String subject) {
    return List.copyOf(versionsBySubject.getOrDefault(subject, List.of()));
  }

  /** Version {@code version} (from 1) of {@code subject}, if both exist. */
  public synchronized Optional<Registration> version(String subject, int version) {
    List<Integer> ids = versionsBySubject.get(subject);
    if (ids == null || version < 1 || version > ids.size()) {
      return Optional.empty();
    }
    int id = ids.get(version - 1);
    return Optional.of(new Registration(subject, version, id, schemasById.get(id)));
  }

  /** The latest version of {@code subject}, if it exists. */
  public synchronized Optional<Registration> latest(String subject) {
    List<Integer> ids = versionsBySubject.get(subject);
    return ids == null ? Optional.empty() : version(subject, ids.size());
  }

  /** The version of {@code subject} that holds {@code schema}, if any (Confluent's {@code POST /subjects/{s}}). */
  public synchronized Optional<Registration> lookup(String subject, Schema schema) {
    Integer id = idsBySchemaText.get(schema.toString());
    List<Integer> ids = versionsBySubject.get(subject);
    if (id == null || ids == null) {
      return Optional.empty();
    }
    int index = ids.indexOf(id);
    return index < 0 ? Optional.empty() : Optional.of(new Registration(subject, index + 1, id, schemasById.get(id)));
  }

  /** Every (subject, version) that holds schema {@code id}, in subject order. */
  public synchronized List<Registration> usages(int id) {
    List<Registration> out = new ArrayList<>();
    versionsBySubject.forEach((subject, ids) -> {
      int index = ids.indexOf(id);
      if (index >= 0) {
        out.add(new Registration(subject, index + 1, id, schemasById.get(id)));
      }
    });
    return out;
  }

  /** The highest id given so far, 0 if none. */
  public synchronized int maxId() {
    return maxId;
  }
}

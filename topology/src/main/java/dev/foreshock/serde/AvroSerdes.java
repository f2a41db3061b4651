package dev.foreshock.serde;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Makes the Confluent-wire-format Avro serdes of the generated records, all from one registry:
 * {@code new AvroSerdes(registry).valueSerde(MemorySample.class)}. Serdes are made once per type
 * and shared (they are thread safe), so every topic of a type shares one id cache and one reader
 * per writer schema.
 */
public final class AvroSerdes {

  private final SchemaRegistry registry;

  /** The package of the records generated from {@code schemas/}. */
  public static final String GENERATED_PACKAGE = "dev.foreshock.avro";

  private static final AtomicBoolean TRUSTED = new AtomicBoolean();

  private final Map<Class<?>, Serde<?>> valueSerdes = new ConcurrentHashMap<>();
  private final Map<Class<?>, Serde<?>> keySerdes = new ConcurrentHashMap<>();

  public AvroSerdes(SchemaRegistry registry) {
    this.registry = java.util.Objects.requireNonNull(registry, "registry");
    trustGeneratedRecords();
  }

  /**
   * Avro 1.12.2 only instantiates classes it trusts; adds the generated package to whatever the
   * JVM already trusts (system properties {@code org.apache.avro.SERIALIZABLE_*} keep working).
   */
  public static void trustGeneratedRecords() {
    if (TRUSTED.compareAndSet(false, true)) {
      ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
      ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(previous,
          type -> GENERATED_PACKAGE.equals(type.getPackageName())));
    }
  }

  public SchemaRegistry registry() {
    return registry;
  }

  /** The value serde of a generated record type (subject {@code <topic>-value}). */
  @SuppressWarnings("unchecked")
  public <T extends SpecificRecord> Serde<T> valueSerde(Class<T> type) {
    return (Serde<T>) valueSerdes.computeIfAbsent(type, t -> serde(type, false));
  }

  /** The key serde of a generated record type (subject {@code <topic>-key}). */
  @SuppressWarnings("unchecked")
  public <T extends SpecificRecord> Serde<T> keySerde(Class<T> type) {
    return (Serde<T>) keySerdes.computeIfAbsent(type, t -> serde(type, true));
  }

  private <T extends SpecificRecord> Serde<T> serde(Class<T> type, boolean isKey) {
    // the class's own model carries the conversions of any logical types it uses
    SpecificData model = SpecificData.getForClass(type);
    org.apache.avro.Schema schema = model.getSchema(type);
    return Serdes.serdeFrom(new AvroSerializer<>(registry, schema, isKey, model),
        new AvroDeserializer<>(registry, schema, model));
  }
}

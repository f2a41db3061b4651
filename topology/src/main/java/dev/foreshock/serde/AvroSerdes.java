package dev.foreshock.serde;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Makes the Confluent-wire-format Avro serdes of the generated records, all from one registry. */
public final class AvroSerdes {

  private final SchemaRegistry registry;
  private final SpecificData data = new SpecificData(AvroSerdes.class.getClassLoader());

  /** The package of the records generated from {@code schemas/}. */
  public static final String GENERATED_PACKAGE = "dev.foreshock.avro";

  private static final AtomicBoolean TRUSTED = new AtomicBoolean();

  public AvroSerdes(SchemaRegistry registry) {
    this.registry = registry;
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
  public <T extends SpecificRecord> Serde<T> valueSerde(Class<T> type) {
    return serde(type, false);
  }

  /** The key serde of a generated record type (subject {@code <topic>-key}). */
  public <T extends SpecificRecord> Serde<T> keySerde(Class<T> type) {
    return serde(type, true);
  }

  private <T extends SpecificRecord> Serde<T> serde(Class<T> type, boolean isKey) {
    org.apache.avro.Schema schema = SpecificData.get().getSchema(type);
    return Serdes.serdeFrom(new AvroSerializer<>(registry, schema, isKey), new AvroDeserializer<>(registry, schema, data));
  }
}

package dev.foreshock.serde;

import org.apache.avro.Schema;

/**
 * The two operations of the Confluent Schema Registry REST API that the serde needs.
 *
 * <p>Implementations cache: a schema registered once is not registered again, an id looked up
 * once is not looked up again.
 */
public interface SchemaRegistry {

  /**
   * Registers {@code schema} under {@code subject} (idempotent) and returns its global id.
   *
   * @throws SchemaRegistryException if the registry cannot be asked or refuses the schema
   */
  int register(String subject, Schema schema);

  /**
   * The schema with the global id {@code id}.
   *
   * @throws UnusableSchemaException if the registry has no such id or its schema is not Avro
   * @throws SchemaRegistryException if the registry cannot be asked (unreachable, HTTP 5xx, ...)
   */
  Schema schemaById(int id);
}

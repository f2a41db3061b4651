package dev.foreshock.runtime;

import dev.foreshock.config.SettingsException;
import dev.foreshock.config.SettingsSource;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Kafka client properties passed through untouched to every producer, consumer, admin client and
 * the streams client: SASL, SSL, timeouts and anything else a cluster needs.
 *
 * <p>Sources, later ones winning: keys with the {@code kafka.} prefix in the {@code --config}
 * file ({@code kafka.sasl.mechanism=PLAIN}), {@code KAFKA_*} environment variables
 * ({@code KAFKA_SASL_MECHANISM} is {@code sasl.mechanism}, {@code KAFKA_SASL_JAAS_CONFIG} is
 * {@code sasl.jaas.config}), and {@code kafka.}-prefixed {@code --set} flags. The launcher
 * variables of a Kafka installation ({@code KAFKA_HOME}, {@code KAFKA_OPTS}, ...) are not client
 * properties and are ignored.
 */
public final class KafkaClientProperties {

  /** The prefix of pass-through keys in the config file and in {@code --set}. */
  public static final String PREFIX = "kafka.";

  private static final Set<String> LAUNCHER_VARIABLES = Set.of(
      "KAFKA_HOME", "KAFKA_OPTS", "KAFKA_HEAP_OPTS", "KAFKA_JVM_PERFORMANCE_OPTS", "KAFKA_LOG4J_OPTS",
      "KAFKA_JMX_OPTS", "KAFKA_GC_LOG_OPTS", "KAFKA_DEBUG", "KAFKA_LOG_DIR", "KAFKA_VERSION");

  private KafkaClientProperties() {}

  /**
   * Collects the pass-through properties: the {@code kafka.*} keys of {@code settings} (marking
   * them read) and the {@code KAFKA_*} variables of {@code environment}; a {@code --set} flag wins
   * over an environment variable, which wins over the config file.
   */
  public static Map<String, String> collect(SettingsSource settings, Map<String, String> environment) {
    Map<String, String> fromFile = new TreeMap<>();
    Map<String, String> fromFlagsAndForeshockEnv = new TreeMap<>();
    for (String key : settings.unknownKeys()) {
      if (key.startsWith(PREFIX)) {
        String value = settings.string(key, "");
        String origin = settings.origin(key);
        boolean fromConfigFile = !origin.startsWith("--set") && !origin.startsWith("environment variable");
        putPrefixed(fromConfigFile ? fromFile : fromFlagsAndForeshockEnv, key, value, origin);
      }
    }
    Map<String, String> props = new TreeMap<>(fromFile);
    environment.forEach((name, value) -> {
      if (name.startsWith("KAFKA_") && name.length() > "KAFKA_".length() && !LAUNCHER_VARIABLES.contains(name)) {
        String key = name.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
        props.put(key, value.trim());
      }
    });
    props.putAll(fromFlagsAndForeshockEnv);
    return Collections.unmodifiableMap(props);
  }

  private static void putPrefixed(Map<String, String> props, String key, String value, String origin) {
    if (key.startsWith(PREFIX)) {
      String name = key.substring(PREFIX.length());
      if (name.isBlank()) {
        throw new SettingsException("'" + key + "' (from " + origin + ") names no Kafka property");
      }
      props.put(name, value.trim());
    }
  }
}

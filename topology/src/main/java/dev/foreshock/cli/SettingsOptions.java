package dev.foreshock.cli;

import dev.foreshock.config.SettingsSource;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * The options every command that reads settings shares: {@code --config FILE} (a properties file)
 * and {@code --set key=value} (repeatable), layered with the {@code FORESHOCK_*} environment
 * variables. Precedence, highest first: {@code --set}, environment, {@code --config}, defaults.
 */
final class SettingsOptions {

  /**
   * {@code FORESHOCK_*} variables that configure the launcher and logging, not the pipeline:
   * never taken as settings.
   */
  static final Set<String> NOT_SETTINGS = Set.of("FORESHOCK_JAVA_OPTS", "FORESHOCK_LOG_LEVEL", "FORESHOCK_MAVEN_ARGS");

  @Option(names = "--config", paramLabel = "FILE",
      description = "Settings from a properties file (key = value, e.g. connections.window = 10s).")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE", mapFallbackValue = "",
      description = "One setting, e.g. --set memory.horizon=72h; repeatable; wins over FORESHOCK_* "
          + "environment variables and --config.")
  Map<String, String> set = new LinkedHashMap<>();

  /** The layered source; an unreadable {@code --config} file is a usage error. */
  SettingsSource source(Map<String, String> environment) {
    if (config != null && !Files.isReadable(config)) {
      throw new UsageException("--config " + config + ": file not found or not readable");
    }
    Map<String, String> env = new LinkedHashMap<>(environment);
    env.keySet().removeAll(NOT_SETTINGS);
    return SettingsSource.layered(config, env, set);
  }

  /** Warns about keys that no settings record read (most likely typos); call after reading all settings. */
  static void warnUnknown(SettingsSource source, PrintWriter err) {
    Set<String> unknown = source.unknownKeys();
    if (!unknown.isEmpty()) {
      for (String key : unknown) {
        err.println("foreshock: warning: unknown setting '" + key + "' (from " + source.origin(key) + ") ignored");
      }
      err.flush();
    }
  }
}

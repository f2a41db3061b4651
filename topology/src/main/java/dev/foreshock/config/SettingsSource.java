package dev.foreshock.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where settings come from, highest precedence first: command-line flags, {@code FORESHOCK_*}
 * environment variables ({@code FORESHOCK_CONNECTIONS_WINDOW} is {@code connections.window}), a
 * properties file, then the defaults in code. Each getter parses and range-checks its value and
 * says which key and which source was wrong.
 *
 * <p>Settings are read once, at start, into immutable typed records; topology code never reads a
 * property by string.
 */
public final class SettingsSource {

  private final Map<String, String> values;
  private final Map<String, String> origins;
  private final Set<String> read = ConcurrentHashMap.newKeySet();

  private SettingsSource(Map<String, String> values, Map<String, String> origins) {
    this.values = values;
    this.origins = origins;
  }

  /** Only the given values (tests, programmatic use). */
  public static SettingsSource of(Map<String, String> values) {
    Map<String, String> origins = new LinkedHashMap<>();
    values.keySet().forEach(k -> origins.put(k, "settings"));
    return new SettingsSource(new LinkedHashMap<>(values), origins);
  }

  /** No values: every getter answers its default. */
  public static SettingsSource empty() {
    return of(Map.of());
  }

  /**
   * Layers a properties file (may be null), the environment's {@code FORESHOCK_*} variables and
   * explicit flags, later layers winning.
   */
  public static SettingsSource layered(Path propertiesFile, Map<String, String> environment, Map<String, String> flags) {
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, String> origins = new LinkedHashMap<>();
    if (propertiesFile != null) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(propertiesFile)) {
        p.load(r);
      } catch (IOException e) {
        throw new SettingsException("cannot read config file " + propertiesFile + ": " + e.getMessage());
      }
      for (String k : p.stringPropertyNames()) {
        values.put(k, p.getProperty(k).trim());
        origins.put(k, propertiesFile.toString());
      }
    }
    environment.forEach((name, value) -> {
      if (name.startsWith("FORESHOCK_") && name.length() > "FORESHOCK_".length()) {
        String key = name.substring("FORESHOCK_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
        values.put(key, value.trim());
        origins.put(key, "environment variable " + name);
      }
    });
    flags.forEach((k, v) -> {
      values.put(k, v.trim());
      origins.put(k, "--set " + k);
    });
    return new SettingsSource(values, origins);
  }

  /** Keys given but never read by any settings record: most likely typos. */
  public Set<String> unknownKeys() {
    Set<String> unknown = new TreeSet<>(values.keySet());
    unknown.removeAll(read);
    return unknown;
  }

  public String string(String key, String defaultValue) {
    read.add(key);
    String v = values.get(key);
    return v == null || v.isEmpty() ? defaultValue : v;
  }

  public boolean bool(String key, boolean defaultValue) {
    String v = string(key, null);
    if (v == null) {
      return defaultValue;
    }
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw bad(key, v, "true or false");
    };
  }

  public int integer(String key, int defaultValue, int min, int max) {
    String v = string(key, null);
    int n;
    if (v == null) {
      n = defaultValue;
    } else {
      try {
        n = Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw bad(key, v, "a whole number");
      }
    }
    if (n < min || n > max) {
      throw new SettingsException(key + " = " + n + " (from " + origin(key) + ") is out of range ["
          + min + ", " + max + "]");
    }
    return n;
  }

  public double decimal(String key, double defaultValue, double min, double max) {
    String v = string(key, null);
    double d;
    if (v == null) {
      d = defaultValue;
    } else {
      try {
        d = Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw bad(key, v, "a number");
      }
    }
    if (!(d >= min && d <= max)) {
      throw new SettingsException(key + " = " + d + " (from " + origin(key) + ") is out of range ["
          + min + ", " + max + "]");
    }
    return d;
  }

  /** A duration such as {@code 500ms}, {@code 5s}, {@code 15m}, {@code 72h}, {@code 7d} or ISO-8601 {@code PT5S}. */
  public Duration duration(String key, Duration defaultValue, Duration min, Duration max) {
    String v = string(key, null);
    Duration d = v == null ? defaultValue : parseDuration(key, v);
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw new SettingsException(key + " = " + v + " (from " + origin(key) + ") is out of range ["
          + min + ", " + max + "]");
    }
    return d;
  }

  private Duration parseDuration(String key, String v) {
    String s = v.toLowerCase(Locale.ROOT);
    try {
      if (s.startsWith("p")) {
        return Duration.parse(v.toUpperCase(Locale.ROOT));
      }
      int i = 0;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      double amount = Double.parseDouble(s.substring(0, i));
      String unit = s.substring(i).trim();
      long millis = switch (unit) {
        case "ms" -> Math.round(amount);
        case "s", "" -> Math.round(amount * 1_000);
        case "m", "min" -> Math.round(amount * 60_000);
        case "h" -> Math.round(amount * 3_600_000);
        case "d" -> Math.round(amount * 86_400_000);
        default -> throw bad(key, v, "a duration such as 500ms, 5s, 15m, 72h, 7d or PT5S");
      };
      return Duration.ofMillis(millis);
    } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
      throw bad(key, v, "a duration such as 500ms, 5s, 15m, 72h, 7d or PT5S");
    }
  }

  private SettingsException bad(String key, String value, String expected) {
    return new SettingsException(key + " = '" + value + "' (from " + origin(key) + ") is not " + expected);
  }

  /** Where {@code key}'s value came from ({@code --set key}, an environment variable, a file), or "default". */
  public String origin(String key) {
    return origins.getOrDefault(key, "default");
  }
}

package dev.foreshock.query;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One GET request: its path, the path parameters of the route it matched, its query parameters,
 * and whether another instance forwarded it here (then it is answered locally, never forwarded again).
 */
public record ApiRequest(String path, String rawQuery, Map<String, String> pathParams,
    Map<String, String> query, boolean forwarded) {

  static Map<String, String> parseQuery(String rawQuery) {
    Map<String, String> out = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return out;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.put(k, v);
    }
    return out;
  }

  public String param(String name) {
    return pathParams.get(name);
  }

  /** A query parameter, or {@code defaultValue} when absent or empty. */
  public String query(String name, String defaultValue) {
    String v = query.get(name);
    return v == null || v.isEmpty() ? defaultValue : v;
  }

  /** A whole-number query parameter in [min, max], or {@code defaultValue} when absent; 400 otherwise. */
  public int integer(String name, int defaultValue, int min, int max) {
    String v = query.get(name);
    if (v == null || v.isEmpty()) {
      return defaultValue;
    }
    int n;
    try {
      n = Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("query parameter '" + name + "' must be a whole number, was '" + v + "'");
    }
    if (n < min || n > max) {
      throw ApiException.badRequest("query parameter '" + name + "' must be between " + min + " and " + max
          + ", was " + n);
    }
    return n;
  }

  /** A time query parameter: epoch milliseconds or ISO-8601; 400 if malformed. */
  public long time(String name, long defaultValue) {
    String v = query.get(name);
    if (v == null || v.isEmpty()) {
      return defaultValue;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      try {
        return OffsetDateTime.parse(v).toInstant().toEpochMilli();
      } catch (DateTimeParseException e2) {
        throw ApiException.badRequest("query parameter '" + name + "' must be epoch milliseconds or an ISO-8601 time"
            + " such as " + Instant.parse("2025-09-17T01:00:00Z") + ", was '" + v + "'");
      }
    }
  }
}

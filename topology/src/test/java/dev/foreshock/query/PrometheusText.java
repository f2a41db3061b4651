package dev.foreshock.query;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format (0.0.4), for tests: every line is a
 * {@code # HELP}/{@code # TYPE} comment or {@code name{label="value",...} value}; anything else
 * fails with the line number.
 */
final class PrometheusText {

  private static final Pattern SAMPLE = Pattern.compile(
      "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*})?"
          + " (-?[0-9.eE+-]+|NaN|\\+Inf|-Inf)( -?[0-9]+)?");
  private static final Pattern COMMENT = Pattern.compile("# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*");

  private PrometheusText() {}

  /** Every sample, by {@code name{labels}} exactly as written, in order. */
  static Map<String, Double> parse(String text) {
    Map<String, Double> samples = new LinkedHashMap<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty()) {
        if (i != lines.length - 1) {
          throw new AssertionError("line " + (i + 1) + ": empty line inside the exposition");
        }
        continue;
      }
      if (line.startsWith("#")) {
        if (!COMMENT.matcher(line).matches()) {
          throw new AssertionError("line " + (i + 1) + ": not a HELP or TYPE comment: " + line);
        }
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      if (!m.matches()) {
        throw new AssertionError("line " + (i + 1) + ": not 'name{labels} value': " + line);
      }
      String key = m.group(1) + (m.group(2) == null ? "" : m.group(2));
      double value = switch (m.group(3)) {
        case "+Inf" -> Double.POSITIVE_INFINITY;
        case "-Inf" -> Double.NEGATIVE_INFINITY;
        default -> Double.parseDouble(m.group(3));
      };
      if (samples.put(key, value) != null) {
        throw new AssertionError("line " + (i + 1) + ": sample written twice: " + key);
      }
    }
    return samples;
  }

  /** The sum of the samples of {@code name} whose labels contain every {@code label="value"} given. */
  static double sum(Map<String, Double> samples, String name, String... labels) {
    double sum = 0;
    boolean any = false;
    for (Map.Entry<String, Double> e : samples.entrySet()) {
      String key = e.getKey();
      if (!(key.equals(name) || key.startsWith(name + "{"))) {
        continue;
      }
      boolean all = true;
      for (String label : labels) {
        all &= key.contains(label);
      }
      if (all) {
        sum += e.getValue();
        any = true;
      }
    }
    if (!any) {
      throw new AssertionError("no sample " + name + " with " + String.join(",", labels));
    }
    return sum;
  }
}

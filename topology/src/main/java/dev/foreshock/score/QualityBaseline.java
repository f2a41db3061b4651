package dev.foreshock.score;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.foreshock.score.Scorecard.FileScore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The committed floor of detection quality: for a set of seeds, per scenario the fewest
 * expectations that must be met and the most false alarms tolerated (summed over the seeds). CI
 * evaluates the same seeds and fails on a drop; after an improvement the baseline is regenerated
 * ({@code ./foreshock evaluate --seeds ... --write-baseline FILE}).
 */
public record QualityBaseline(List<Long> seeds, Map<String, Entry> scenarios) {

  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** @param expectations how many expectations the scenario had when the baseline was written (informative) */
  public record Entry(int expectations, int minMet, int maxFalseAlarms) {}

  public QualityBaseline {
    seeds = List.copyOf(seeds);
    scenarios = Collections.unmodifiableMap(new LinkedHashMap<>(scenarios));
  }

  /** The baseline that {@code result} just meets. */
  public static QualityBaseline of(Evaluation.Result result) {
    Map<String, Entry> entries = new LinkedHashMap<>();
    for (String scenario : result.scenarios()) {
      FileScore s = result.scenarioTotal(scenario);
      entries.put(scenario, new Entry(s.expectations().size(), s.met(), s.falseAlarms().size()));
    }
    return new QualityBaseline(result.seeds(), entries);
  }

  /** What got worse in {@code result} compared with this baseline (empty: no regression). */
  public List<String> regressions(Evaluation.Result result) {
    List<String> problems = new ArrayList<>();
    if (!result.seeds().equals(seeds)) {
      problems.add("the evaluation ran seeds " + result.seeds() + " but the baseline is for seeds " + seeds);
    }
    for (Map.Entry<String, Entry> e : scenarios.entrySet()) {
      String scenario = e.getKey();
      Entry floor = e.getValue();
      if (!result.scenarios().contains(scenario)) {
        problems.add(scenario + ": in the baseline but not evaluated");
        continue;
      }
      FileScore s = result.scenarioTotal(scenario);
      if (s.met() < floor.minMet()) {
        problems.add(String.format(Locale.ROOT, "%s: %d of %d expectations met, the baseline requires %d",
            scenario, s.met(), s.expectations().size(), floor.minMet()));
      }
      if (s.falseAlarms().size() > floor.maxFalseAlarms()) {
        problems.add(String.format(Locale.ROOT, "%s: %d false alarms, the baseline allows %d", scenario,
            s.falseAlarms().size(), floor.maxFalseAlarms()));
      }
    }
    for (String scenario : result.scenarios()) {
      if (!scenarios.containsKey(scenario)) {
        problems.add(scenario + ": evaluated but not in the baseline (regenerate it)");
      }
    }
    return problems;
  }

  public String toJson() {
    ObjectNode root = MAPPER.createObjectNode();
    root.putPOJO("seeds", seeds);
    ObjectNode all = root.putObject("scenarios");
    scenarios.forEach((name, e) -> all.putObject(name)
        .put("expectations", e.expectations()).put("minMet", e.minMet()).put("maxFalseAlarms", e.maxFalseAlarms()));
    try {
      return MAPPER.writeValueAsString(root).replace("\r\n", "\n") + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void write(Path file) throws IOException {
    Files.writeString(file, toJson(), StandardCharsets.UTF_8);
  }

  public static QualityBaseline parse(String json, String origin) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(origin + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.path("seeds").isArray() || !root.path("scenarios").isObject()) {
      throw new IllegalArgumentException(origin + ": a quality baseline has \"seeds\" (array) and \"scenarios\" (object)");
    }
    List<Long> seeds = new ArrayList<>();
    root.get("seeds").forEach(n -> seeds.add(n.asLong()));
    Map<String, Entry> entries = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.get("scenarios").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      JsonNode e = f.getValue();
      if (!e.path("minMet").canConvertToInt() || !e.path("maxFalseAlarms").canConvertToInt()) {
        throw new IllegalArgumentException(origin + ": scenario \"" + f.getKey()
            + "\" needs whole numbers minMet and maxFalseAlarms");
      }
      entries.put(f.getKey(), new Entry(e.path("expectations").asInt(), e.get("minMet").asInt(),
          e.get("maxFalseAlarms").asInt()));
    }
    return new QualityBaseline(seeds, entries);
  }

  public static QualityBaseline read(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read quality baseline " + file, e);
    }
  }
}

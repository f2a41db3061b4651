package dev.foreshock.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one {@code foreshock bench} run, each with the machine's one-minute load average
 * when it was taken (the machine may be shared), as a table for people and as JSON.
 */
public final class BenchReport {

  /** One figure: what, its value and unit, the target if there is one, the load average at the time. */
  public record Figure(String key, String label, double value, String unit, String target, double load) {}

  private final Map<String, Object> machine = new LinkedHashMap<>();
  private final List<Figure> figures = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  public BenchReport() {
    Runtime rt = Runtime.getRuntime();
    machine.put("cores", rt.availableProcessors());
    machine.put("maxHeapMb", rt.maxMemory() / (1024 * 1024));
    machine.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    machine.put("loadAtStart", load());
  }

  /** The one-minute load average now (-1 where the platform does not tell). */
  public static double load() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  public void add(String key, String label, double value, String unit, String target) {
    figures.add(new Figure(key, label, value, unit, target, load()));
  }

  public void note(String note) {
    notes.add(note);
  }

  public List<Figure> figures() {
    return List.copyOf(figures);
  }

  /** The table: one line per figure, aligned. */
  public String table() {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "Foreshock bench: %s cores, Java %s, max heap %s MB, load at start %.2f%n",
        machine.get("cores"), machine.get("java"), machine.get("maxHeapMb"), (double) machine.get("loadAtStart")));
    int width = figures.stream().mapToInt(f -> f.label().length()).max().orElse(10);
    b.append(String.format(Locale.ROOT, "%-" + width + "s  %14s  %-8s  %-12s  %s%n", "measure", "value", "unit",
        "target", "load"));
    for (Figure f : figures) {
      b.append(String.format(Locale.ROOT, "%-" + width + "s  %14s  %-8s  %-12s  %.2f%n", f.label(), format(f.value()),
          f.unit(), f.target() == null ? "" : f.target(), f.load()));
    }
    for (String n : notes) {
      b.append("note: ").append(n).append('\n');
    }
    return b.toString();
  }

  private static String format(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    if (Math.abs(v) >= 100 || v == Math.rint(v)) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  /** The same as JSON: {@code {"machine":{...},"figures":{key:{value,unit,target,load}},"notes":[...]}}. */
  public String json() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("machine", machine);
    Map<String, Object> byKey = new LinkedHashMap<>();
    for (Figure f : figures) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("label", f.label());
      m.put("value", Double.isNaN(f.value()) ? null : f.value());
      m.put("unit", f.unit());
      if (f.target() != null) {
        m.put("target", f.target());
      }
      m.put("load", f.load());
      byKey.put(f.key(), m);
    }
    root.put("figures", byKey);
    root.put("notes", notes);
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write the report as JSON: " + e.getMessage(), e);
    }
  }
}

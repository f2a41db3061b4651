package dev.foreshock.score;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints scorecards: a text table (one row per file and a total row, then what was missed and
 * which false alarms were raised) or one JSON object for machines.
 */
public final class ScorecardPrinter {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ScorecardPrinter() {
  }

  /** The text table of {@code files} and their total. */
  public static String text(List<Scorecard.FileScore> files) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"file", "met", "missed", "false alarms", "median delay", "worst delay", "min lead time"});
    for (Scorecard.FileScore f : files) {
      rows.add(row(f.name(), f));
    }
    rows.add(row("total", Scorecard.total(files)));
    StringBuilder out = new StringBuilder(Table.render(rows));
    for (Scorecard.FileScore f : files) {
      for (Scorecard.ExpectationResult r : f.expectations()) {
        Labels.Expectation e = r.expectation();
        if (r.met()) {
          out.append(String.format(Locale.ROOT, "  %s: met     %s %s %s at +%s%s%n", f.name(), e.type(), e.subject(),
              r.severity(), Durations.format(r.delayMs()),
              r.leadTimeMs() == null ? "" : ", " + Durations.format(r.leadTimeMs()) + " before exhaustion"));
        } else {
          out.append(String.format(Locale.ROOT, "  %s: MISSED  %s %s (>= %s within %s of %s): %s%n", f.name(), e.type(),
              e.subject(), e.minSeverity(), Durations.format(e.deadline() - e.notBefore()),
              Instant.ofEpochMilli(e.notBefore()), r.why()));
        }
      }
      for (Scorecard.FalseAlarm a : f.falseAlarms()) {
        out.append(String.format(Locale.ROOT, "  %s: FALSE ALARM %s %s %s at %s (%s)%n", f.name(), a.type(),
            a.subject(), a.severity(), Instant.ofEpochMilli(a.ts()), a.id()));
      }
    }
    return out.toString();
  }

  private static String[] row(String name, Scorecard.FileScore f) {
    return new String[] {name, f.met() + "/" + f.expectations().size(), Integer.toString(f.missed()),
        Integer.toString(f.falseAlarms().size()), Durations.format(f.medianDelayMs()),
        Durations.format(f.worstDelayMs()), Durations.format(f.minLeadTimeMs())};
  }

  /** One JSON object: {@code files} (each with its expectations and false alarms) and {@code total}. */
  public static String json(List<Scorecard.FileScore> files) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart("files");
      for (Scorecard.FileScore f : files) {
        writeScore(g, f, true);
      }
      g.writeEndArray();
      g.writeFieldName("total");
      writeScore(g, Scorecard.total(files), false);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out + "\n";
  }

  /** Writes one score as a JSON object; with {@code details}, its expectations and false alarms. */
  static void writeScore(JsonGenerator g, Scorecard.FileScore f, boolean details) throws IOException {
    g.writeStartObject();
    g.writeStringField("name", f.name());
    g.writeNumberField("expectations", f.expectations().size());
    g.writeNumberField("met", f.met());
    g.writeNumberField("missed", f.missed());
    g.writeNumberField("falseAlarms", f.falseAlarms().size());
    writeNullable(g, "medianDelayMs", f.medianDelayMs());
    writeNullable(g, "worstDelayMs", f.worstDelayMs());
    writeNullable(g, "minLeadTimeMs", f.minLeadTimeMs());
    if (details) {
      g.writeArrayFieldStart("results");
      for (Scorecard.ExpectationResult r : f.expectations()) {
        Labels.Expectation e = r.expectation();
        g.writeStartObject();
        g.writeStringField("type", e.type().name());
        g.writeStringField("subject", e.subject());
        g.writeStringField("minSeverity", e.minSeverity().name());
        g.writeNumberField("notBefore", e.notBefore());
        g.writeNumberField("deadline", e.deadline());
        g.writeBooleanField("met", r.met());
        if (r.met()) {
          g.writeStringField("candidateId", r.candidateId());
          g.writeNumberField("ts", r.ts());
          g.writeStringField("severity", r.severity().name());
          g.writeNumberField("delayMs", r.delayMs());
          writeNullable(g, "leadTimeMs", r.leadTimeMs());
        } else {
          g.writeStringField("why", r.why());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("falseAlarms");
      for (Scorecard.FalseAlarm a : f.falseAlarms()) {
        g.writeStartObject();
        g.writeStringField("id", a.id());
        g.writeStringField("type", a.type().name());
        g.writeStringField("subject", a.subject());
        g.writeStringField("severity", a.severity().name());
        g.writeNumberField("ts", a.ts());
        g.writeStringField("summary", a.summary());
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  static void writeNullable(JsonGenerator g, String field, Long value) throws IOException {
    if (value == null) {
      g.writeNullField(field);
    } else {
      g.writeNumberField(field, value);
    }
  }
}

package dev.foreshock.score;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.foreshock.avro.CandidateType;
import dev.foreshock.score.Scorecard.FileScore;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints an {@link Evaluation.Result}: one table (a row per scenario and seed, a row per scenario
 * over all seeds, a total), then what was missed and which false alarms were raised; or JSON.
 */
public final class EvaluationReport {

  /** False alarms listed per run in the text form; the rest are counted. */
  private static final int MAX_ALARMS_LISTED = 5;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private EvaluationReport() {
  }

  public static String text(Evaluation.Result result) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"scenario", "seed", "met", "missed", "false alarms", "median delay", "worst delay",
        "min lead time", "candidates", "records", "time"});
    for (Evaluation.Run r : result.runs()) {
      FileScore s = r.score();
      rows.add(new String[] {r.scenario(), Long.toString(r.seed()), s.met() + "/" + s.expectations().size(),
          Integer.toString(s.missed()), Integer.toString(s.falseAlarms().size()), Durations.format(s.medianDelayMs()),
          Durations.format(s.worstDelayMs()), Durations.format(s.minLeadTimeMs()), Long.toString(r.candidates()),
          Long.toString(r.records()), Durations.format(r.elapsedMs())});
    }
    if (result.seeds().size() > 1) {
      for (String scenario : result.scenarios()) {
        rows.add(summary(result.scenarioTotal(scenario), "all", result.runs().stream()
            .filter(r -> r.scenario().equals(scenario)).toList()));
      }
    }
    rows.add(summary(result.total(), "", result.runs()));
    StringBuilder out = new StringBuilder(Table.render(rows));
    out.append(System.lineSeparator()).append(Table.render(byType(result)));
    for (Evaluation.Run r : result.runs()) {
      String name = r.scenario() + " #" + r.seed();
      if (r.deadLetters() > 0) {
        out.append(String.format(Locale.ROOT, "  %s: %d records were dead-lettered%n", name, r.deadLetters()));
      }
      for (Scorecard.ExpectationResult e : r.score().expectations()) {
        if (!e.met()) {
          Labels.Expectation x = e.expectation();
          out.append(String.format(Locale.ROOT, "  %s: missed %s %s (>= %s within %s): %s%n", name, x.type(),
              x.subject(), x.minSeverity(), Durations.format(x.deadline() - x.notBefore()), e.why()));
        }
      }
      List<Scorecard.FalseAlarm> alarms = r.score().falseAlarms();
      for (int i = 0; i < Math.min(MAX_ALARMS_LISTED, alarms.size()); i++) {
        Scorecard.FalseAlarm a = alarms.get(i);
        out.append(String.format(Locale.ROOT, "  %s: false alarm %s %s %s at %s%n", name, a.type(), a.subject(),
            a.severity(), Instant.ofEpochMilli(a.ts())));
      }
      if (alarms.size() > MAX_ALARMS_LISTED) {
        out.append(String.format(Locale.ROOT, "  %s: ... and %d more false alarms%n", name,
            alarms.size() - MAX_ALARMS_LISTED));
      }
    }
    return out.toString();
  }

  /** Per candidate type over every run: expectations met, delays, and false alarms of that type. */
  private static List<String[]> byType(Evaluation.Result result) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"candidate type", "met", "median delay", "worst delay", "false alarms"});
    FileScore total = result.total();
    for (CandidateType type : CandidateType.values()) {
      List<Scorecard.ExpectationResult> expected = total.expectations().stream()
          .filter(e -> e.expectation().type() == type).toList();
      long alarms = total.falseAlarms().stream().filter(a -> a.type() == type).count();
      if (expected.isEmpty() && alarms == 0) {
        continue;
      }
      FileScore t = new FileScore(type.name(), expected, List.of());
      rows.add(new String[] {type.name(), t.met() + "/" + expected.size(), Durations.format(t.medianDelayMs()),
          Durations.format(t.worstDelayMs()), Long.toString(alarms)});
    }
    return rows;
  }

  private static String[] summary(FileScore s, String seed, List<Evaluation.Run> runs) {
    long candidates = runs.stream().mapToLong(Evaluation.Run::candidates).sum();
    long records = runs.stream().mapToLong(Evaluation.Run::records).sum();
    long ms = runs.stream().mapToLong(Evaluation.Run::elapsedMs).sum();
    return new String[] {s.name(), seed, s.met() + "/" + s.expectations().size(), Integer.toString(s.missed()),
        Integer.toString(s.falseAlarms().size()), Durations.format(s.medianDelayMs()),
        Durations.format(s.worstDelayMs()), Durations.format(s.minLeadTimeMs()), Long.toString(candidates),
        Long.toString(records), Durations.format(ms)};
  }

  /**
   * One JSON object: the seeds, every run with its full score, per-scenario totals ({@code scenarios}),
   * per-candidate-type totals ({@code types}) and the total.
   */
  public static String json(Evaluation.Result result) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart("seeds");
      for (long s : result.seeds()) {
        g.writeNumber(s);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("runs");
      for (Evaluation.Run r : result.runs()) {
        g.writeStartObject();
        g.writeStringField("scenario", r.scenario());
        g.writeNumberField("seed", r.seed());
        g.writeNumberField("records", r.records());
        g.writeNumberField("candidates", r.candidates());
        g.writeNumberField("deadLetters", r.deadLetters());
        g.writeNumberField("elapsedMs", r.elapsedMs());
        g.writeFieldName("score");
        ScorecardPrinter.writeScore(g, r.score(), true);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("scenarios");
      for (String scenario : result.scenarios()) {
        ScorecardPrinter.writeScore(g, result.scenarioTotal(scenario), false);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("types");
      FileScore total = result.total();
      for (CandidateType type : CandidateType.values()) {
        List<Scorecard.ExpectationResult> expected = total.expectations().stream()
            .filter(e -> e.expectation().type() == type).toList();
        List<Scorecard.FalseAlarm> alarms = total.falseAlarms().stream().filter(a -> a.type() == type).toList();
        if (!expected.isEmpty() || !alarms.isEmpty()) {
          ScorecardPrinter.writeScore(g, new FileScore(type.name(), expected, alarms), false);
        }
      }
      g.writeEndArray();
      g.writeFieldName("total");
      ScorecardPrinter.writeScore(g, total, false);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out + "\n";
  }
}

package dev.foreshock.score;

import dev.foreshock.avro.CandidateStatus;
import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.avro.Severity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Scores a backtest's candidates against labels, by the rules of contract section 4.
 *
 * <ul>
 *   <li>An expectation is met by the first candidate of its type and subject whose {@code ts}
 *       lies in [notBefore, deadline] with at least {@code minSeverity}; its delay is
 *       {@code ts - notBefore}; with {@code exhaustsAt}, its lead time is {@code exhaustsAt - ts}.
 *   <li>A false alarm is a candidate whose {@code ts} lies in the quiet stretch (both ends
 *       included), whose severity is above {@code quiet.maxSeverity}, and whose (type, subject) is
 *       neither expected nor allowed. One episode (one candidate id) is one false alarm, however
 *       often it is updated.
 *   <li>A {@code RESOLVED} candidate ends an alarm: it neither meets an expectation nor counts as
 *       a false alarm.
 * </ul>
 */
public final class Scorecard {

  private Scorecard() {
  }

  /** Scores {@code candidates} (in any order) against {@code labels}; {@code name} names the file. */
  public static FileScore score(String name, Labels labels, List<IncidentCandidate> candidates) {
    List<IncidentCandidate> alarms = candidates.stream()
        .filter(c -> c.getStatus() != CandidateStatus.RESOLVED)
        .sorted(Comparator.comparingLong(IncidentCandidate::getTs))
        .toList();
    List<ExpectationResult> results = new ArrayList<>(labels.expect().size());
    for (Labels.Expectation e : labels.expect()) {
      results.add(match(e, alarms));
    }
    List<FalseAlarm> falseAlarms = new ArrayList<>();
    Labels.Quiet quiet = labels.quiet();
    if (quiet != null) {
      Set<String> seen = new LinkedHashSet<>();
      for (IncidentCandidate c : alarms) {
        if (c.getTs() >= quiet.from() && c.getTs() <= quiet.to()
            && c.getSeverity().ordinal() > quiet.maxSeverity().ordinal()
            && !labels.covers(c.getType(), c.getSubject())
            && seen.add(c.getId())) {
          falseAlarms.add(new FalseAlarm(c.getId(), c.getType(), c.getSubject(), c.getSeverity(), c.getTs(),
              c.getSummary()));
        }
      }
    }
    return new FileScore(name, results, falseAlarms);
  }

  private static ExpectationResult match(Labels.Expectation e, List<IncidentCandidate> alarms) {
    IncidentCandidate weaker = null;
    IncidentCandidate early = null;
    IncidentCandidate late = null;
    for (IncidentCandidate c : alarms) {
      if (c.getType() != e.type() || !c.getSubject().equals(e.subject())) {
        continue;
      }
      boolean strongEnough = atLeast(c.getSeverity(), e.minSeverity());
      if (c.getTs() < e.notBefore()) {
        early = early == null ? c : early;
      } else if (c.getTs() > e.deadline()) {
        if (strongEnough && late == null) {
          late = c;
        }
      } else if (strongEnough) {
        long delay = c.getTs() - e.notBefore();
        Long lead = e.exhaustsAt() == null ? null : e.exhaustsAt() - c.getTs();
        return ExpectationResult.met(e, c.getId(), c.getTs(), c.getSeverity(), delay, lead);
      } else if (weaker == null) {
        weaker = c;
      }
    }
    String why;
    if (weaker != null) {
      why = "only " + weaker.getSeverity() + " in time (at +" + Durations.format(weaker.getTs() - e.notBefore())
          + "), below " + e.minSeverity();
    } else if (late != null) {
      why = "late: first " + late.getSeverity() + " at +" + Durations.format(late.getTs() - e.notBefore())
          + ", deadline +" + Durations.format(e.deadline() - e.notBefore());
    } else if (early != null) {
      why = "only before notBefore (first at -" + Durations.format(e.notBefore() - early.getTs()) + ")";
    } else {
      why = "no " + e.type() + " candidate on " + e.subject();
    }
    return ExpectationResult.missed(e, why);
  }

  static boolean atLeast(Severity severity, Severity min) {
    return severity.ordinal() >= min.ordinal();
  }

  /** The outcome of one expectation. Times are epoch ms; delay and lead time are ms (null when missed). */
  public record ExpectationResult(Labels.Expectation expectation, boolean met, String candidateId, Long ts,
      Severity severity, Long delayMs, Long leadTimeMs, String why) {

    static ExpectationResult met(Labels.Expectation e, String id, long ts, Severity severity, long delay, Long lead) {
      return new ExpectationResult(e, true, id, ts, severity, delay, lead, null);
    }

    static ExpectationResult missed(Labels.Expectation e, String why) {
      return new ExpectationResult(e, false, null, null, null, null, null, why);
    }
  }

  /** A candidate that should not have been raised. */
  public record FalseAlarm(String id, CandidateType type, String subject, Severity severity, long ts,
      String summary) {}

  /** The score of one file (or, from {@link #total}, of several). */
  public record FileScore(String name, List<ExpectationResult> expectations, List<FalseAlarm> falseAlarms) {

    public FileScore {
      expectations = List.copyOf(expectations);
      falseAlarms = List.copyOf(falseAlarms);
    }

    public int met() {
      return (int) expectations.stream().filter(ExpectationResult::met).count();
    }

    public int missed() {
      return expectations.size() - met();
    }

    /** Delays of the met expectations, ascending. */
    public List<Long> delays() {
      return expectations.stream().filter(ExpectationResult::met).map(ExpectationResult::delayMs).sorted().toList();
    }

    /** The median detection delay of the met expectations, or null if none was met. */
    public Long medianDelayMs() {
      List<Long> d = delays();
      if (d.isEmpty()) {
        return null;
      }
      int n = d.size();
      return n % 2 == 1 ? d.get(n / 2) : (d.get(n / 2 - 1) + d.get(n / 2)) / 2;
    }

    /** The longest detection delay of the met expectations, or null if none was met. */
    public Long worstDelayMs() {
      List<Long> d = delays();
      return d.isEmpty() ? null : d.get(d.size() - 1);
    }

    /** Lead times before exhaustion of the met growth expectations, ascending. */
    public List<Long> leadTimes() {
      return expectations.stream().filter(r -> r.met() && r.leadTimeMs() != null)
          .map(ExpectationResult::leadTimeMs).sorted().toList();
    }

    /** The shortest lead time before exhaustion, or null if no growth expectation was met. */
    public Long minLeadTimeMs() {
      List<Long> l = leadTimes();
      return l.isEmpty() ? null : l.get(0);
    }
  }

  /** All files' expectations and false alarms together, named {@code total}. */
  public static FileScore total(List<FileScore> files) {
    List<ExpectationResult> all = new ArrayList<>();
    List<FalseAlarm> alarms = new ArrayList<>();
    for (FileScore f : files) {
      all.addAll(f.expectations());
      alarms.addAll(f.falseAlarms());
    }
    return new FileScore("total", all, alarms);
  }
}

package dev.foreshock.detect;

import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.Severity;
import java.util.Map;

/**
 * What a detector says about one (type, subject) at one event time: the condition holds with
 * this severity and evidence, or ({@code severity == null}) it no longer holds. Detectors emit
 * signals; the lifecycle in {@code correlate} turns them into episodes with stable ids, OPEN /
 * UPDATED / RESOLVED candidates, and groups them into incidents.
 *
 * @param ts event time of the evaluation that produced this signal
 * @param windowStart start of the event time the evidence covers
 * @param windowEnd end of the event time the evidence covers
 * @param summary one sentence a person on call can act on (empty when cleared)
 * @param evidence named numbers, as the contract lists them for the type
 * @param onsetTs when the condition began, as well as the detector can tell (for ranking causes)
 * @param source the detector task the signal came from (set on its way to the correlator, which
 *     keeps one event-time clock per task); null before that, and in signals written before sources
 *     were recorded
 */
public record CandidateSignal(
    CandidateType type,
    String subject,
    Severity severity,
    long ts,
    long windowStart,
    long windowEnd,
    String summary,
    Map<String, Double> evidence,
    long onsetTs,
    String source) {

  public CandidateSignal {
    evidence = evidence == null ? Map.of() : Map.copyOf(evidence);
    summary = summary == null ? "" : summary;
  }

  /** The condition holds. */
  public static CandidateSignal active(CandidateType type, String subject, Severity severity, long ts,
      long windowStart, long windowEnd, String summary, Map<String, Double> evidence, long onsetTs) {
    return new CandidateSignal(type, subject, severity, ts, windowStart, windowEnd, summary, evidence, onsetTs, null);
  }

  /** The condition no longer holds (at event time {@code ts}). */
  public static CandidateSignal cleared(CandidateType type, String subject, long ts) {
    return new CandidateSignal(type, subject, null, ts, ts, ts, "", Map.of(), ts, null);
  }

  /**
   * Not a signal: the stream time {@code ts} that detector task {@code source} has reached, sent
   * to the correlator so that it judges the episodes of that task by the task's own clock.
   */
  public static CandidateSignal clock(String source, long ts) {
    return new CandidateSignal(null, null, null, ts, ts, ts, "", Map.of(), ts, source);
  }

  /** Whether this is a {@link #clock} and not a signal. */
  public boolean isClock() {
    return type == null;
  }

  /** The same signal, at {@code ts}. */
  public CandidateSignal at(long ts) {
    return new CandidateSignal(type, subject, severity, ts, windowStart, windowEnd, summary, evidence, onsetTs, source);
  }

  /** The same signal, from detector task {@code source}. */
  public CandidateSignal from(String source) {
    return new CandidateSignal(type, subject, severity, ts, windowStart, windowEnd, summary, evidence, onsetTs, source);
  }

  public boolean isActive() {
    return severity != null;
  }

  /** The lifecycle's key: one episode at a time per (type, subject). */
  public String episodeKey() {
    return type.name() + "|" + subject;
  }
}

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
    long onsetTs) {

  public CandidateSignal {
    evidence = evidence == null ? Map.of() : Map.copyOf(evidence);
    summary = summary == null ? "" : summary;
  }

  /** The condition holds. */
  public static CandidateSignal active(CandidateType type, String subject, Severity severity, long ts,
      long windowStart, long windowEnd, String summary, Map<String, Double> evidence, long onsetTs) {
    return new CandidateSignal(type, subject, severity, ts, windowStart, windowEnd, summary, evidence, onsetTs);
  }

  /** The condition no longer holds (at event time {@code ts}). */
  public static CandidateSignal cleared(CandidateType type, String subject, long ts) {
    return new CandidateSignal(type, subject, null, ts, ts, ts, "", Map.of(), ts);
  }

  public boolean isActive() {
    return severity != null;
  }

  /** The lifecycle's key: one episode at a time per (type, subject). */
  public String episodeKey() {
    return type.name() + "|" + subject;
  }
}

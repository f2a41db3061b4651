package dev.foreshock.correlate;

import dev.foreshock.avro.CandidateStatus;
import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.avro.Severity;
import java.util.List;
import java.util.Map;

/**
 * One emitted candidate record, with the contract's field names, as the query store keeps it (and
 * the query API serves it as JSON).
 */
public record CandidateRecord(
    String id,
    CandidateType type,
    Severity severity,
    CandidateStatus status,
    String subject,
    long ts,
    long windowStart,
    long windowEnd,
    String summary,
    Map<String, Double> evidence,
    List<String> related,
    List<String> probableCauses) {

  public static CandidateRecord of(IncidentCandidate c) {
    return new CandidateRecord(c.getId(), c.getType(), c.getSeverity(), c.getStatus(), c.getSubject(), c.getTs(),
        c.getWindowStart(), c.getWindowEnd(), c.getSummary(), Map.copyOf(c.getEvidence()),
        List.copyOf(c.getRelated()), List.copyOf(c.getProbableCauses()));
  }

  /** Whether the episode is still open (OPEN or UPDATED). */
  public boolean isOpen() {
    return status != CandidateStatus.RESOLVED;
  }
}

package dev.foreshock.correlate;

import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.Severity;
import dev.foreshock.detect.CandidateSignal;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The open episode of one (type, subject), incidents included, as kept in the
 * {@code candidate-episodes} store: what is true now, and what the last emitted record said (to tell
 * a material change from noise). Mutable: only the correlator changes it, and writes it back.
 */
public final class Episode {

  /** Stable candidate id of the episode. */
  public String id;
  public CandidateType type;
  public String subject;
  /** Event time the episode opened. */
  public long openedTs;
  /** Current severity (from the latest active signal; for an incident, the max of its members). */
  public Severity severity;
  public long windowStart;
  public long windowEnd;
  public String summary;
  public Map<String, Double> evidence = new HashMap<>();
  /** When the condition began, as the detector estimates it (ranks causes). */
  public long onsetTs;
  /** Event time of the latest active signal. */
  public long lastActiveTs;
  /**
   * The detector task its signals come from ({@link dev.foreshock.detect.CandidateSignal#source});
   * null for incidents, and for episodes opened before sources were recorded.
   */
  public String source;
  /** When the hold-off began (a cleared signal, or staleness); -1 while active. */
  public long clearedTs = -1;
  /** Event time the episode was RESOLVED at; -1 while open. */
  public long endedTs = -1;
  /** Since when the severity has been below the emitted one; -1 when it is not. */
  public long lowerSinceTs = -1;
  /** The incident this candidate belongs to, or null. */
  public String incidentId;
  /** Probable causes, most likely first. */
  public List<String> causes = List.of();
  /** Members by candidate id (incidents only; null otherwise). */
  public LinkedHashMap<String, Member> members;
  /** The incident that replaced this one when its most upstream subject changed (incidents only). */
  public String supersededBy;

  public long lastEmittedTs = Long.MIN_VALUE;
  public Severity emittedSeverity;
  public Map<String, Double> emittedEvidence = Map.of();
  /** Event time of the signal whose evidence was last emitted. */
  public long emittedEvidenceTs;
  public String emittedIncidentId;
  public List<String> emittedCauses = List.of();
  /** A material change is waiting for the rate limit. */
  public boolean pending;
  /** Records emitted for this episode so far. */
  public int records;

  /**
   * One member of an incident, as the incident last heard of it.
   *
   * @param key the member's episode key (type|subject)
   * @param resolved whether the member's episode has been RESOLVED
   */
  public record Member(String key, CandidateType type, String subject, Severity severity, boolean resolved,
      long onsetTs, long windowStart, long windowEnd) {

    Member resolve() {
      return new Member(key, type, subject, severity, true, onsetTs, windowStart, windowEnd);
    }
  }

  /** Key of the store and of the one-episode-at-a-time rule. */
  static String key(CandidateType type, String subject) {
    return type.name() + "|" + subject;
  }

  String key() {
    return key(type, subject);
  }

  boolean isIncident() {
    return members != null;
  }

  static Episode open(String id, CandidateSignal s) {
    Episode e = new Episode();
    e.id = id;
    e.type = s.type();
    e.subject = s.subject();
    e.openedTs = s.ts();
    e.lastActiveTs = s.ts();
    e.apply(s);
    return e;
  }

  static String newId(CandidateType type, String subject, long ts) {
    return type.name() + ":" + subject + ":" + Instant.ofEpochMilli(ts);
  }

  /** Takes the latest active signal's figures. */
  void apply(CandidateSignal s) {
    severity = s.severity();
    windowStart = s.windowStart();
    windowEnd = s.windowEnd();
    summary = s.summary();
    evidence = finite(s.evidence());
    onsetTs = s.onsetTs() > 0 ? s.onsetTs() : s.windowStart();
    lastActiveTs = Math.max(lastActiveTs, s.ts());
    clearedTs = -1;
    if (s.source() != null) {
      source = s.source();
    }
  }

  Member asMember() {
    return new Member(key(), type, subject, severity, false, onsetTs, windowStart, windowEnd);
  }

  /** JSON has no infinities: an evidence value that is not finite is left out. */
  static Map<String, Double> finite(Map<String, Double> evidence) {
    Map<String, Double> copy = new HashMap<>(evidence.size() * 2);
    evidence.forEach((k, v) -> {
      if (v != null && Double.isFinite(v)) {
        copy.put(k, v);
      }
    });
    return copy;
  }
}

package dev.foreshock.correlate;

import java.util.ArrayList;
import java.util.List;

/**
 * What the {@code candidate-history} store keeps per candidate id for the query API: the current
 * record and the last records emitted for it, oldest first (the current one last).
 */
public record CandidateHistory(CandidateRecord current, List<CandidateRecord> history) {

  public CandidateHistory {
    history = history == null ? List.of() : List.copyOf(history);
  }

  /** This history with {@code next} appended, keeping at most {@code size} records. */
  CandidateHistory append(CandidateRecord next, int size) {
    List<CandidateRecord> records = new ArrayList<>(history.size() + 1);
    records.addAll(history);
    records.add(next);
    int drop = records.size() - size;
    return new CandidateHistory(next, drop > 0 ? records.subList(drop, records.size()) : records);
  }
}

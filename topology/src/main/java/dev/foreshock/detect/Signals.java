package dev.foreshock.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/** Collects the signal streams of all detectors, so that the topology can merge them into one. */
public final class Signals {

  private final List<KStream<String, CandidateSignal>> streams = new ArrayList<>();

  /** Adds a detector's signals, keyed by subject. */
  public void add(KStream<String, CandidateSignal> signals) {
    streams.add(signals);
  }

  /** All signals in one stream, or empty when no detector added any. */
  public Optional<KStream<String, CandidateSignal>> merged() {
    if (streams.isEmpty()) {
      return Optional.empty();
    }
    KStream<String, CandidateSignal> all = streams.get(0);
    for (int i = 1; i < streams.size(); i++) {
      all = all.merge(streams.get(i), Named.as("merge-signals-" + i));
    }
    return Optional.of(all);
  }
}

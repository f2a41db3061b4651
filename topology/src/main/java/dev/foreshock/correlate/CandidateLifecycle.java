package dev.foreshock.correlate;

import dev.foreshock.avro.CandidateStatus;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.detect.CandidateSignal;
import dev.foreshock.metrics.PipelineMetrics;
import java.util.HashMap;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Turns detector signals into candidate episodes: the first active signal of a (type, subject)
 * opens an episode with a stable id (OPEN), a change of severity updates it (UPDATED), and a
 * cleared signal resolves it (RESOLVED). Output is keyed by candidate id.
 */
final class CandidateLifecycle implements Processor<String, CandidateSignal, String, IncidentCandidate> {

  private final String storeName;
  private final PipelineMetrics metrics;
  private ProcessorContext<String, IncidentCandidate> context;
  private KeyValueStore<String, Episode> episodes;

  CandidateLifecycle(String storeName, PipelineMetrics metrics) {
    this.storeName = storeName;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, IncidentCandidate> context) {
    this.context = context;
    this.episodes = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, CandidateSignal> record) {
    CandidateSignal signal = record.value();
    String key = signal.episodeKey();
    Episode open = episodes.get(key);
    if (signal.isActive()) {
      if (open == null) {
        String id = signal.type().name() + ":" + signal.subject() + ":" + signal.ts();
        episodes.put(key, new Episode(id, signal.ts(), signal.severity(), signal.ts(), signal.evidence()));
        emit(id, signal, CandidateStatus.OPEN, record);
      } else if (open.severity() != signal.severity()) {
        episodes.put(key, new Episode(open.id(), open.openedTs(), signal.severity(), signal.ts(), signal.evidence()));
        emit(open.id(), signal, CandidateStatus.UPDATED, record);
      }
    } else if (open != null) {
      episodes.delete(key);
      CandidateSignal last = new CandidateSignal(signal.type(), signal.subject(), open.severity(), signal.ts(),
          open.openedTs(), signal.ts(), signal.type() + " on " + signal.subject() + " has ended.",
          open.evidence(), open.openedTs());
      emit(open.id(), last, CandidateStatus.RESOLVED, record);
    }
  }

  private void emit(String id, CandidateSignal s, CandidateStatus status, Record<String, CandidateSignal> in) {
    IncidentCandidate candidate = IncidentCandidate.newBuilder()
        .setId(id)
        .setType(s.type())
        .setSeverity(s.severity())
        .setStatus(status)
        .setSubject(s.subject())
        .setTs(s.ts())
        .setWindowStart(s.windowStart())
        .setWindowEnd(s.windowEnd())
        .setSummary(s.summary())
        .setEvidence(new HashMap<>(s.evidence()))
        .setRelated(List.of())
        .setProbableCauses(List.of())
        .build();
    metrics.candidate(s.type().name(), s.severity().name(), status.name());
    context.forward(new Record<>(id, candidate, s.ts(), in.headers()));
  }
}

package dev.foreshock.correlate;

import static dev.foreshock.avro.CandidateStatus.OPEN;
import static dev.foreshock.avro.CandidateStatus.RESOLVED;
import static dev.foreshock.avro.CandidateType.ERROR_RATE_SPIKE;
import static dev.foreshock.avro.CandidateType.MEMORY_RAPID_RISE;
import static dev.foreshock.avro.Severity.CRITICAL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.foreshock.StoreNames;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.config.SettingsSource;
import dev.foreshock.detect.CandidateSignal;
import dev.foreshock.json.JsonSerde;
import dev.foreshock.metrics.PipelineMetrics;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedPunctuator;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The detector tasks reach the one correlation task through one partition in the order they wrote,
 * not in event time: the correlator judges each episode by the clock of the task its signals come
 * from ({@link SignalSource}), so that a task hours ahead (catching up on a backlog) neither ends
 * another task's episode early nor splits it in two.
 */
class TaskClocksTest {

  private static final Instant T0 = Instant.parse("2025-05-24T19:00:00Z");
  private static final Map<String, Double> EVIDENCE = Map.of("errorRatio", 0.22, "baselineRatio", 0.004,
      "requests", 15000.0, "errors", 3300.0);

  @TempDir Path stateDir;

  @Test
  void shouldMarkEachSignalWithItsTaskAndSendTheTaskClockEveryTick() {
    MockProcessorContext<String, CandidateSignal> context =
        new MockProcessorContext<>(new Properties(), new TaskId(0, 1), stateDir.toFile());
    SignalSource source = new SignalSource(Duration.ofSeconds(30));
    source.init(context);
    CandidateSignal spike = active("chat-api", T0);

    source.process(new Record<>("chat-api", spike, T0.toEpochMilli()));
    CapturedPunctuator tick = context.scheduledPunctuators().get(0);
    assertThat(tick.getType()).isEqualTo(PunctuationType.STREAM_TIME);
    assertThat(tick.getInterval()).isEqualTo(Duration.ofSeconds(30));
    tick.getPunctuator().punctuate(T0.plusSeconds(30).toEpochMilli());

    List<CandidateSignal> sent = context.forwarded().stream().map(f -> (CandidateSignal) f.record().value()).toList();
    assertThat(sent).containsExactly(spike.from("0_1"), CandidateSignal.clock("0_1", T0.plusSeconds(30).toEpochMilli()));
    assertThat(sent.get(1).isClock()).isTrue();
    assertThat(sent.get(0).isClock()).isFalse();
  }

  @Test
  void shouldKeepOneEpisodeWhenAnotherDetectorTaskIsHoursAheadInEventTime() {
    Correlation correlator = new Correlation();
    // chat-api's task: the spike begins
    correlator.signal(active("chat-api", T0).from("0_0"));
    // the other task catches up on a backlog: two hours of its event time reach the correlator
    // before anything more of chat-api's task, which is not that far yet
    for (Instant t = T0; !t.isAfter(T0.plus(Duration.ofHours(2))); t = t.plus(Duration.ofMinutes(1))) {
      correlator.signal(CandidateSignal.cleared(MEMORY_RAPID_RISE, "cache-eu", t.toEpochMilli()).from("0_1"));
      correlator.clock("0_1", t);
    }
    // chat-api's task: the spike is re-sent every 10 minutes, clears, and the task's time moves on
    Instant clearedAt = T0.plus(Duration.ofMinutes(50));
    for (Instant t = T0.plus(Duration.ofMinutes(10)); t.isBefore(clearedAt); t = t.plus(Duration.ofMinutes(10))) {
      correlator.clock("0_0", t);
      correlator.signal(active("chat-api", t).from("0_0"));
    }
    correlator.signal(CandidateSignal.cleared(ERROR_RATE_SPIKE, "chat-api", clearedAt.toEpochMilli()).from("0_0"));
    for (Instant t = clearedAt; !t.isAfter(clearedAt.plus(Duration.ofMinutes(11))); t = t.plusSeconds(30)) {
      correlator.clock("0_0", t);
    }

    List<IncidentCandidate> chat = correlator.candidates("chat-api");
    assertThat(chat).extracting(IncidentCandidate::getStatus).containsExactly(OPEN, RESOLVED);
    assertThat(chat).extracting(IncidentCandidate::getId).containsOnly(chat.get(0).getId());
    // hold-off (10 min) after the cleared signal, by chat-api's own clock
    assertThat(chat.get(1).getTs()).isEqualTo(clearedAt.plus(Duration.ofMinutes(10)).toEpochMilli());
  }

  @Test
  void shouldJudgeTheEpisodesOfATaskThatSentNoClockForTenMinutesByTheNewestTime() {
    Correlation correlator = new Correlation();
    correlator.clock("0_0", T0);
    correlator.signal(active("chat-api", T0).from("0_0"));
    // chat-api's task stops (its partition's producers stopped); the other task goes on, in 5 min
    for (Instant t = T0; !t.isAfter(T0.plus(Duration.ofHours(1))); t = t.plus(Duration.ofMinutes(1))) {
      correlator.clock("0_1", t);
    }
    assertThat(correlator.candidates("chat-api")).extracting(IncidentCandidate::getStatus)
        .as("within 10 min of wall-clock time, a task is behind, not gone").containsExactly(OPEN);

    correlator.wallClockPasses(Duration.ofMinutes(10));
    correlator.clock("0_1", T0.plus(Duration.ofMinutes(61)));

    List<IncidentCandidate> chat = correlator.candidates("chat-api");
    assertThat(chat).extracting(IncidentCandidate::getStatus).containsExactly(OPEN, RESOLVED);
    // stale after 30 min, then 10 min of hold-off
    assertThat(chat.get(1).getTs()).isEqualTo(T0.plus(Duration.ofMinutes(40)).toEpochMilli());
  }

  private static CandidateSignal active(String service, Instant t) {
    return CandidateSignal.active(ERROR_RATE_SPIKE, service, CRITICAL, t.toEpochMilli(),
        t.minusSeconds(30).toEpochMilli(), t.toEpochMilli(), service + " returns server errors", EVIDENCE,
        T0.toEpochMilli());
  }

  /** The real correlator with in-memory stores; its stream-time tick runs as Kafka Streams would run it. */
  private final class Correlation {
    private final MockProcessorContext<String, IncidentCandidate> context;
    private final Correlator correlator;
    private final CapturedPunctuator tick;
    private long streamTime = Long.MIN_VALUE;
    private long nextTick = Long.MIN_VALUE;

    Correlation() {
      File dir = stateDir.toFile();
      context = new MockProcessorContext<>(new Properties(), new TaskId(2, 0), dir);
      context.setCurrentSystemTimeMs(T0.toEpochMilli());
      CorrelationSettings settings = CorrelationSettings.from(SettingsSource.of(Map.of(
          "correlation.stale.fast", "30m", "correlation.hold-off", "10m", "correlation.tick", "30s")));
      add(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.CANDIDATE_EPISODES),
          Serdes.String(), new JsonSerde<>(Episode.class)).withLoggingDisabled().build());
      add(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.CANDIDATE_HISTORY),
          Serdes.String(), new JsonSerde<>(CandidateHistory.class)).withLoggingDisabled().build());
      add(Stores.windowStoreBuilder(Stores.inMemoryWindowStore(StoreNames.CHANGE_HISTORY, Duration.ofDays(2),
          Duration.ofMillis(1), true), Serdes.String(), new JsonSerde<>(ChangeRecord.class))
          .withLoggingDisabled().build());
      add(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.DEPENDENCIES),
          Serdes.String(), new JsonSerde<>(DeclaredDependencies.class)).withLoggingDisabled().build());
      add(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.LEARNED_DEPENDENCIES),
          Serdes.String(), Serdes.Long()).withLoggingDisabled().build());
      correlator = new Correlator(settings, PipelineMetrics.inMemory(), new Correlator.Names(
          StoreNames.CANDIDATE_EPISODES, StoreNames.CANDIDATE_HISTORY, StoreNames.CHANGE_HISTORY,
          StoreNames.DEPENDENCIES, StoreNames.LEARNED_DEPENDENCIES));
      correlator.init(context);
      tick = context.scheduledPunctuators().get(0);
    }

    private void add(StateStore store) {
      store.init(context.getStateStoreContext(), store);
      context.addStateStore(store);
    }

    void signal(CandidateSignal s) {
      process(s.subject(), new CorrelationInput.Signal(s), s.ts());
    }

    void clock(String source, Instant t) {
      process(source, new CorrelationInput.Clock(source, t.toEpochMilli()), t.toEpochMilli());
    }

    private void process(String key, CorrelationInput input, long ts) {
      correlator.process(new Record<>(key, input, ts));
      streamTime = Math.max(streamTime, ts);
      if (nextTick == Long.MIN_VALUE) {
        nextTick = streamTime;
      }
      if (streamTime >= nextTick) {
        tick.getPunctuator().punctuate(streamTime);
        nextTick = streamTime + tick.getInterval().toMillis();
      }
    }

    void wallClockPasses(Duration d) {
      context.setCurrentSystemTimeMs(context.currentSystemTimeMs() + d.toMillis());
    }

    List<IncidentCandidate> candidates(String subject) {
      return context.forwarded().stream().map(f -> (IncidentCandidate) f.record().value())
          .filter(c -> c.getSubject().equals(subject) && c.getType() == ERROR_RATE_SPIKE).toList();
    }
  }
}

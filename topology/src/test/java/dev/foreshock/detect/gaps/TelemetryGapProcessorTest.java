package dev.foreshock.detect.gaps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foreshock.StoreNames;
import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.Severity;
import dev.foreshock.detect.CandidateSignal;
import dev.foreshock.json.JsonSerde;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedPunctuator;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class TelemetryGapProcessorTest {

  private static final long T0 = Instant.parse("2025-08-29T07:00:00Z").toEpochMilli();
  private final GapSettings settings = GapSettings.defaults();
  private final MockProcessorContext<String, CandidateSignal> context = new MockProcessorContext<>();
  private final KeyValueStore<String, SourceCadence> store = Stores.keyValueStoreBuilder(
          Stores.inMemoryKeyValueStore(StoreNames.GAP_SOURCES), Serdes.String(), new JsonSerde<>(SourceCadence.class))
      .withLoggingDisabled().build();

  TelemetryGapProcessorTest() {
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
  }

  private TelemetryGapProcessor start() {
    context.resetForwards();
    TelemetryGapProcessor p = new TelemetryGapProcessor(settings, StoreNames.GAP_SOURCES);
    p.init(context);
    return p;
  }

  private void punctuate(PunctuationType type, long time) {
    List<CapturedPunctuator> all = context.scheduledPunctuators();
    all.subList(all.size() - 2, all.size()).stream().filter(c -> c.getType() == type).findFirst().orElseThrow()
        .getPunctuator().punctuate(time);
  }

  private void pipe(TelemetryGapProcessor p, long ts, long arrival) {
    context.setCurrentStreamTimeMs(ts);
    context.setCurrentSystemTimeMs(arrival);
    SpecificRecord sample = MemorySample.newBuilder().setTs(ts).setResource("redis-queue").setUsedBytes(1L << 30)
        .build();
    p.process(new Record<>("redis-queue", sample, ts));
  }

  @Test
  void shouldKeepLearnedCadenceAcrossRestartAndCountWallSilenceFromRestart() {
    TelemetryGapProcessor first = start();
    long ts = T0;
    for (int i = 0; i < 20; i++) {
      pipe(first, ts += 15_000, ts);
    }
    punctuate(PunctuationType.STREAM_TIME, ts);
    assertThat(store.get("resource:redis-queue").steady()).isTrue();

    // restarted an hour later by the wall clock: the downtime is not the source's silence
    long restart = ts + 3_600_000L;
    start();
    context.setCurrentSystemTimeMs(restart);
    punctuate(PunctuationType.WALL_CLOCK_TIME, restart);
    assertThat(context.forwarded()).isEmpty();

    punctuate(PunctuationType.WALL_CLOCK_TIME, restart + 130_000);
    assertThat(context.forwarded()).isEmpty(); // not live any more: arrival is far from event time

    context.setCurrentSystemTimeMs(restart + 130_000);
    punctuate(PunctuationType.STREAM_TIME, ts + 130_000);
    assertThat(context.forwarded()).hasSize(1);
    CandidateSignal signal = context.forwarded().get(0).record().value();
    assertThat(signal.type()).isEqualTo(CandidateType.TELEMETRY_GAP);
    assertThat(signal.subject()).isEqualTo("redis-queue");
    assertThat(signal.severity()).isEqualTo(Severity.WARNING);
    assertThat(signal.evidence()).containsEntry("silentSeconds", 130.0);
    assertThat(signal.evidence().get("expectedIntervalSeconds")).isEqualTo(15.0);
  }
}

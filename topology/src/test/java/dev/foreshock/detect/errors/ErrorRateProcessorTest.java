package dev.foreshock.detect.errors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foreshock.StoreNames;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.detect.CandidateSignal;
import dev.foreshock.json.JsonSerde;
import dev.foreshock.metrics.PipelineMetrics;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.Punctuator;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.Test;

class ErrorRateProcessorTest {

  private static final long T0 = Instant.parse("2025-08-29T07:00:00Z").toEpochMilli();
  private final ErrorRateSettings settings = ErrorRateSettings.defaults();
  private final MockProcessorContext<String, CandidateSignal> context = new MockProcessorContext<>();
  private final WindowStore<String, ErrorWindow> windows = Stores.windowStoreBuilder(
          Stores.inMemoryWindowStore(StoreNames.ERROR_WINDOWS, settings.retention(), settings.window(), false),
          Serdes.String(), new JsonSerde<>(ErrorWindow.class))
      .withLoggingDisabled().build();
  private final KeyValueStore<String, ErrorBaseline> baselines = Stores.keyValueStoreBuilder(
          Stores.inMemoryKeyValueStore(StoreNames.ERROR_BASELINES), Serdes.String(), new JsonSerde<>(ErrorBaseline.class))
      .withLoggingDisabled().build();

  ErrorRateProcessorTest() {
    windows.init(context.getStateStoreContext(), windows);
    baselines.init(context.getStateStoreContext(), baselines);
    context.addStateStore(windows);
    context.addStateStore(baselines);
  }

  private ErrorRateProcessor start() {
    context.resetForwards();
    ErrorRateProcessor p = new ErrorRateProcessor(settings, PipelineMetrics.inMemory());
    p.init(context);
    return p;
  }

  private Punctuator check() {
    return context.scheduledPunctuators().get(context.scheduledPunctuators().size() - 2).getPunctuator();
  }

  private void pipe(ErrorRateProcessor p, long ts, long requests, long errors) {
    context.setCurrentStreamTimeMs(ts);
    p.process(new Record<>("search-api", RequestStats.newBuilder().setTs(ts).setService("search-api")
        .setInstance("search-1").setIntervalMs(10_000).setRequests(requests).setErrors(errors).build(), ts));
  }

  @Test
  void shouldWriteWindowOnlyWhenJudgedAndResumeItEmptyAfterCrash() {
    ErrorRateProcessor first = start();
    pipe(first, T0 + 10_000, 300, 3);
    pipe(first, T0 + 20_000, 200, 2);
    check().punctuate(T0 + 20_000);
    // an open window is not written (one row per window, when judged); the service is known
    assertThat(windows.fetch("search-api", T0)).isNull();
    assertThat(baselines.get("search-api")).isNotNull();

    // a crash (no close): the open window's sums were in memory only, so it resumes empty
    ErrorRateProcessor second = start();
    pipe(second, T0 + 30_000, 100, 1);
    pipe(second, T0 + 50_000, 400, 4);
    context.setCurrentStreamTimeMs(T0 + 50_000);
    check().punctuate(T0 + 50_000);

    ErrorWindow judged = windows.fetch("search-api", T0);
    assertThat(judged.closed()).isTrue();
    assertThat(judged.requests()).isEqualTo(100);
    assertThat(judged.errors()).isEqualTo(1);
    assertThat(windows.fetch("search-api", T0 + 30_000)).as("still open").isNull();
    // the baseline is written back once SAVE_EVERY_WINDOWS windows have been judged
    long ts = T0 + 50_000;
    for (int i = 1; i < ErrorRateProcessor.SAVE_EVERY_WINDOWS; i++) {
      assertThat(baselines.get("search-api").closedUpTo()).as("not yet written").isLessThan(T0 + 30_000);
      ts += 30_000;
      pipe(second, ts, 1_000, 20);
      check().punctuate(ts);
    }
    long firstOpen = Math.floorDiv(ts - 15_000 - 30_000, 30_000) * 30_000 + 30_000;
    assertThat(baselines.get("search-api").closedUpTo()).isEqualTo(firstOpen);
    assertThat(baselines.get("search-api").history()).hasSize(ErrorRateProcessor.SAVE_EVERY_WINDOWS)
        .startsWith(0.01, 0.01, 0.02);
  }

  @Test
  void shouldResumeOpenWindowAndBaselineExactlyAfterCleanClose() {
    ErrorRateProcessor first = start();
    long ts = T0;
    for (int i = 0; i < 3; i++) {
      ts += 30_000;
      pipe(first, ts, 1_000, 10 + i);
      check().punctuate(ts);
    }
    pipe(first, ts + 10_000, 300, 3);
    pipe(first, ts + 20_000, 200, 2);
    check().punctuate(ts + 20_000);
    long openStart = ts;
    assertThat(windows.fetch("search-api", openStart)).as("open: not written while it fills").isNull();
    first.close(); // a rebalance or shutdown: committed with the task

    ErrorWindow handedOver = windows.fetch("search-api", openStart);
    assertThat(handedOver.closed()).isFalse();
    assertThat(handedOver.requests()).isEqualTo(500);
    ErrorRateProcessor second = start();
    pipe(second, openStart + 30_000, 100, 1);
    check().punctuate(openStart + 30_000 + 15_000);

    ErrorWindow judged = windows.fetch("search-api", openStart);
    assertThat(judged.closed()).isTrue();
    assertThat(judged.requests()).isEqualTo(600);
    assertThat(judged.errors()).isEqualTo(6);
    second.close();
    // every judged window is in the baseline: none was lost with the first processor
    assertThat(baselines.get("search-api").history()).containsExactly(0.01, 0.011, 0.012, 0.01);
  }

  @Test
  void shouldDetectWithoutWritingWhenStoresAreLeftOut() {
    MockProcessorContext<String, CandidateSignal> bare = new MockProcessorContext<>();
    ErrorRateProcessor p = new ErrorRateProcessor(settings, PipelineMetrics.inMemory(), false, false);
    p.init(bare);
    Punctuator close = bare.scheduledPunctuators().get(bare.scheduledPunctuators().size() - 2).getPunctuator();
    long ts = T0;
    for (int i = 0; i < 20; i++) {
      ts += 30_000;
      bare.setCurrentStreamTimeMs(ts);
      boolean spike = i == 19;
      p.process(new Record<>("search-api", RequestStats.newBuilder().setTs(ts).setService("search-api")
          .setInstance("search-1").setIntervalMs(30_000).setRequests(2_000).setErrors(spike ? 800 : 4).build(), ts));
      close.punctuate(ts);
    }
    ts += 60_000;
    bare.setCurrentStreamTimeMs(ts);
    close.punctuate(ts);
    assertThat(bare.forwarded()).singleElement().satisfies(f -> {
      assertThat(f.record().value().type().toString()).isEqualTo("ERROR_RATE_SPIKE");
      assertThat(f.record().value().severity().toString()).isEqualTo("CRITICAL");
      assertThat(f.record().value().evidence().get("errorRatio")).isEqualTo(0.4);
    });
  }
}

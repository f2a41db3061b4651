package dev.foreshock.detect.gaps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foreshock.avro.Severity;
import dev.foreshock.config.SettingsSource;
import dev.foreshock.json.JsonSerde;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CadenceTest {

  private final GapSettings settings = GapSettings.from(SettingsSource.of(Map.of(
      "gaps.min-samples", "5", "gaps.floor", "30s", "gaps.multiple", "3", "gaps.wall-clock-max-lag", "1m")));

  private static final long T0 = 1_756_450_000_000L;

  @Test
  void shouldBecomeSteadyAfterMinSamplesIntervals() {
    Cadence c = new Cadence(SourceKind.RESOURCE, "redis-queue", null);
    for (int i = 0; i < 5; i++) {
      c.observe(T0 + i * 15_000L, T0 + i * 15_000L, settings);
      assertThat(c.steady(settings)).isFalse();
    }
    c.observe(T0 + 5 * 15_000L, T0 + 5 * 15_000L, settings);
    assertThat(c.steady(settings)).isTrue();
    assertThat(c.usualInterval()).isEqualTo(15_000L);
    assertThat(c.threshold(settings)).isEqualTo(45_000L);
  }

  @Test
  void shouldUseFloorWhenCadenceIsShort() {
    Cadence c = new Cadence(SourceKind.RESOURCE, "redis-queue", null);
    for (int i = 0; i < 10; i++) {
      c.observe(T0 + i * 2_000L, 0, settings);
    }
    assertThat(c.threshold(settings)).isEqualTo(30_000L);
  }

  @Test
  void shouldJudgeServiceByLongestUsualWaitWhenInstancesInterleave() {
    Cadence c = new Cadence(SourceKind.SERVICE, "search-api", null);
    long[] offsets = {0, 1_000, 1_500, 7_000}; // four instances every 10 s at these offsets
    for (int round = 0; round < 10; round++) {
      for (long offset : offsets) {
        c.observe(T0 + round * 10_000L + offset, 0, settings);
        c.observe(T0 + round * 10_000L + offset, 0, settings); // a second record at the same instant
      }
    }
    assertThat(c.usualInterval()).isEqualTo(5_500L);
    assertThat(c.steady(settings)).isTrue();
    assertThat(c.snapshot(settings).reports()).isEqualTo(40);
  }

  @Test
  void shouldTreatLongIntervalOfSteadySourceAsGapNotAsRhythm() {
    Cadence c = new Cadence(SourceKind.RESOURCE, "redis-queue", null);
    long ts = T0;
    for (int i = 0; i < 8; i++) {
      c.observe(ts += 10_000L, 0, settings);
    }
    assertThat(c.steady(settings)).isTrue();
    c.observe(ts += 600_000L, 0, settings);
    assertThat(c.steady(settings)).isFalse();
    assertThat(c.usualInterval()).isEqualTo(10_000L);
    for (int i = 0; i < 5; i++) {
      c.observe(ts += 10_000L, 0, settings);
    }
    assertThat(c.steady(settings)).isTrue();
  }

  @Test
  void shouldLearnLongIntervalsWhileNotYetSteady() {
    Cadence c = new Cadence(SourceKind.RESOURCE, "report-store", null);
    long ts = T0;
    long[] intervals = {60_000, 300_000, 20_000, 500_000, 90_000, 45_000};
    for (long interval : intervals) {
      c.observe(ts += interval, 0, settings);
    }
    assertThat(c.usualInterval()).isEqualTo(500_000L);
    assertThat(c.threshold(settings)).isEqualTo(1_500_000L);
  }

  @Test
  void shouldCountWallClockSilenceOnlyForLiveSources() {
    Cadence live = new Cadence(SourceKind.RESOURCE, "redis-queue", null);
    live.observe(T0, T0 + 2_000, settings);
    assertThat(live.silence(T0, T0 + 92_000, settings)).isEqualTo(90_000L);
    assertThat(live.eventTimeNow(T0, T0 + 92_000, settings)).isEqualTo(T0 + 90_000);
    assertThat(live.silence(T0 + 120_000, T0 + 92_000, settings)).isEqualTo(120_000L);

    Cadence replayed = new Cadence(SourceKind.RESOURCE, "redis-queue", null);
    replayed.observe(T0, T0 + 86_400_000L, settings);
    assertThat(replayed.silence(T0, T0 + 90_000_000L, settings)).isZero();
    assertThat(replayed.silence(-1, T0 + 90_000_000L, settings)).isZero();
  }

  @Test
  void shouldRestoreFromStoredJson() {
    Cadence c = new Cadence(SourceKind.INSTANCE, "search-3", "search-api");
    for (int i = 0; i < 20; i++) {
      c.observe(T0 + i * 10_000L + (i % 3) * 100, T0 + i * 10_000L, settings);
    }
    c.flagged = Severity.INFO;
    JsonSerde<SourceCadence> serde = new JsonSerde<>(SourceCadence.class);
    SourceCadence stored = serde.deserializer().deserialize("t", serde.serializer().serialize("t", c.snapshot(settings)));

    assertThat(stored.intervalsMs()).hasSize(Cadence.RING);
    assertThat(stored.kind()).isEqualTo(SourceKind.INSTANCE);
    assertThat(c.id()).isEqualTo("instance:search-api/search-3");
    assertThat(stored.steady()).isTrue();
    assertThat(stored.flagged()).isEqualTo(Severity.INFO);
    assertThat(Cadence.restore(stored).snapshot(settings)).usingRecursiveComparison().isEqualTo(stored);
  }
}

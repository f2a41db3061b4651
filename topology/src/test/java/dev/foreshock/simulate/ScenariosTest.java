package dev.foreshock.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.foreshock.avro.ChangeEvent;
import dev.foreshock.avro.ConnectionEvent;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.avro.ServiceDependencies;
import dev.foreshock.ingest.IngestSettings;
import dev.foreshock.ingest.Validation;
import dev.foreshock.json.JsonLines;
import dev.foreshock.score.Labels;
import dev.foreshock.score.LabelsFile;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ScenariosTest {

  /** Generated data must always be in the past: ingest rejects times ahead of the wall clock. */
  private static final long LATEST = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
  private static final long EARLIEST = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();

  static List<String> names() {
    return Scenarios.names();
  }

  @ParameterizedTest
  @MethodSource("names")
  void shouldGenerateByteIdenticalValidFilesForSameSeed(String name) throws Exception {
    SimulatedScenario first = Scenarios.generate(name, 11);
    String text = text(first);
    SimulatedScenario second = Scenarios.generate(name, 11);

    assertThat(sha256(text(second))).isEqualTo(sha256(text));
    assertThat(LabelsFile.format(second.labels())).isEqualTo(LabelsFile.format(first.labels()));

    JsonLines json = new JsonLines();
    Validation validation = new Validation(IngestSettings.defaults());
    String[] lines = text.split("\n");
    assertThat(lines).hasSize(first.records().size()).hasSizeLessThan(400_000);
    long latest = Long.MIN_VALUE;
    long outOfOrder = 0;
    long worstLateness = 0;
    for (int i = 0; i < lines.length; i++) {
      SpecificRecord r = json.parse(lines[i]);
      assertThat(validation.check(r, LATEST)).as("line %d: %s", i + 1, lines[i]).isNull();
      long ts = ts(r);
      assertThat(ts).as("line %d", i + 1).isBetween(first.startMs(), first.endMs());
      if (ts < latest) {
        outOfOrder++;
        worstLateness = Math.max(worstLateness, latest - ts);
      }
      latest = Math.max(latest, ts);
    }
    assertThat(outOfOrder).as("some lines arrive a little late").isPositive();
    assertThat(worstLateness).as("but only by seconds").isLessThanOrEqualTo(Timeline.MAX_LATENESS_MS);
    assertThat(first.startMs()).isBetween(EARLIEST, LATEST);
    assertThat(first.endMs()).isBetween(EARLIEST, LATEST);
  }

  @ParameterizedTest
  @MethodSource("names")
  void shouldLabelWithinScenarioAndQuietOverWholeRun(String name) {
    SimulatedScenario s = Scenarios.generate(name, 5);
    Labels labels = s.labels();

    assertThat(labels.scenario()).isEqualTo(name);
    assertThat(labels.seed()).isEqualTo(5L);
    assertThat(labels.quiet().from()).isEqualTo(s.startMs());
    assertThat(labels.quiet().to()).isEqualTo(s.endMs());
    for (Labels.Expectation e : labels.expect()) {
      assertThat(e.notBefore()).as(e.toString()).isBetween(s.startMs(), s.endMs());
      assertThat(e.deadline()).as(e.toString()).isGreaterThan(e.notBefore());
    }
    if (Scenarios.SEED_INCIDENTS.contains(name)) {
      assertThat(labels.expect()).isNotEmpty();
    } else {
      assertThat(labels.expect()).isEmpty();
      assertThat(labels.allow()).isEmpty();
    }
  }

  @ParameterizedTest
  @MethodSource("names")
  void shouldDrawDifferentParametersForDifferentSeeds(String name) {
    SimulatedScenario one = Scenarios.generate(name, 1);
    SimulatedScenario two = Scenarios.generate(name, 2);

    assertThat(one.labels().parameters()).isNotEmpty().isNotEqualTo(two.labels().parameters());
    assertThat(one.startMs()).isNotEqualTo(two.startMs());
  }

  @Test
  void shouldShiftScenarioToEndAtGivenInstantKeepingOffsets() {
    SimulatedScenario s = Scenarios.generate("pool-stall", 3);
    Instant end = Instant.parse("2026-03-01T12:00:00.400Z");

    SimulatedScenario moved = s.shiftedToEndAt(end);

    long delta = moved.startMs() - s.startMs();
    assertThat(moved.endMs()).isBetween(end.toEpochMilli() - 1_000, end.toEpochMilli());
    assertThat(delta % 1_000).isZero();
    assertThat(moved.records()).hasSameSizeAs(s.records());
    for (int i = 0; i < s.records().size(); i++) {
      assertThat(ts(moved.records().get(i))).isEqualTo(ts(s.records().get(i)) + delta);
    }
    assertThat(moved.labels().expect().get(0).notBefore()).isEqualTo(s.labels().expect().get(0).notBefore() + delta);
    assertThat(moved.labels().quiet().to()).isEqualTo(moved.endMs());
  }

  @Test
  void shouldNameKnownScenariosWhenAskedForUnknownOne() {
    assertThatThrownBy(() -> Scenarios.generate("slow-leek", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown scenario \"slow-leek\"").hasMessageContaining("slow-leak");
  }

  @Test
  void shouldOfferEverySeedIncidentAndNegativeControl() {
    assertThat(Scenarios.names()).containsExactly("rapid-rise", "sync-recycling", "pool-stall", "slow-leak",
        "healthy-recycling", "fixed-lifetime", "request-surge", "cache-at-limit", "daily-rhythm", "gc-sawtooth", "quiet-baseline");
  }

  @Test
  void shouldKeepSubjectsOfSeedIncidentsAndQuietBaselineApartSoThatADemoCanReplayThemTogether() {
    List<String> demo = new ArrayList<>(Scenarios.SEED_INCIDENTS);
    demo.add("quiet-baseline");
    Map<String, String> owner = new HashMap<>();
    for (String name : demo) {
      for (SpecificRecord r : Scenarios.generate(name, 1).records()) {
        for (String subject : subjects(r)) {
          String previous = owner.putIfAbsent(subject, name);
          assertThat(previous == null || previous.equals(name)).as("%s is in %s and %s", subject, previous, name)
              .isTrue();
        }
      }
    }
  }

  private static List<String> subjects(SpecificRecord r) {
    if (r instanceof ConnectionEvent e) {
      return List.of(e.getService(), e.getInstance(), e.getTarget());
    } else if (r instanceof MemorySample m) {
      return List.of(m.getResource());
    } else if (r instanceof RequestStats s) {
      return List.of(s.getService(), s.getInstance());
    } else if (r instanceof ChangeEvent c) {
      return List.of(c.getTarget());
    }
    return List.of(((ServiceDependencies) r).getService());
  }

  static long ts(SpecificRecord r) {
    if (r instanceof ConnectionEvent e) {
      return e.getTs();
    } else if (r instanceof MemorySample m) {
      return m.getTs();
    } else if (r instanceof RequestStats s) {
      return s.getTs();
    } else if (r instanceof ChangeEvent c) {
      return c.getTs();
    }
    return ((ServiceDependencies) r).getTs();
  }

  private static String text(SimulatedScenario s) throws Exception {
    StringWriter w = new StringWriter(1 << 20);
    s.writeJsonLines(w);
    return w.toString();
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}

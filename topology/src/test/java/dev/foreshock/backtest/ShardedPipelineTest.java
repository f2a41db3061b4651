package dev.foreshock.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foreshock.Topics;
import dev.foreshock.avro.CandidateStatus;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.score.Scorecard;
import dev.foreshock.simulate.Scenarios;
import dev.foreshock.simulate.SimulatedScenario;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardedPipelineTest {

  @TempDir Path dir;

  @Test
  void shouldWriteTheSameCandidatesWhateverTheThreadsWhenShardCountIsTheSame() {
    SimulatedScenario scenario = Scenarios.generate("pool-stall", 5);

    List<IncidentCandidate> oneThread = run(scenario, 4, 1, 500);
    List<IncidentCandidate> threeThreads = run(scenario, 4, 3, 2_048);

    assertThat(oneThread).isNotEmpty();
    assertThat(threeThreads).isEqualTo(oneThread); // ids, times, evidence, order: all of it
  }

  @Test
  void shouldMeetWhatOneShardMeetsWhenTheTelemetryIsSplitByKey() {
    for (String name : List.of("rapid-rise", "sync-recycling", "quiet-baseline")) {
      SimulatedScenario scenario = Scenarios.generate(name, 6);

      Scorecard.FileScore whole = Scorecard.score(name, scenario.labels(), run(scenario, 1, 1, 2_048));
      Scorecard.FileScore split = Scorecard.score(name, scenario.labels(), run(scenario, 5, 2, 2_048));

      assertThat(split.met()).as(name).isEqualTo(whole.met());
      assertThat(split.falseAlarms()).as(name).isEqualTo(whole.falseAlarms());
    }
  }

  @Test
  void shouldCorrelateSignalsOfDifferentShardsIntoOneIncidentWhenTheyAreRelated() {
    // rapid-rise: the queue's memory and the error spikes of the services that use it are keyed
    // differently (resource, services), so with enough shards they are detected apart
    SimulatedScenario scenario = Scenarios.generate("rapid-rise", 3);

    List<IncidentCandidate> candidates = run(scenario, 7, 2, 2_048);

    IncidentCandidate incident = candidates.stream()
        .filter(c -> c.getType().name().equals("INCIDENT") && c.getStatus() == CandidateStatus.OPEN)
        .findFirst().orElseThrow();
    assertThat(incident.getRelated()).hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  void shouldSendUndecodableRecordsOfEveryShardToTheDeadLetterTopic() {
    Random random = new Random(17);
    Instant base = Instant.parse("2025-10-02T08:00:00Z");
    try (ShardedPipeline pipeline = new ShardedPipeline(ForeshockSettings.defaults(),
        Clock.fixed(base.plusSeconds(3_600), ZoneOffset.UTC), base, dir, 3, 2)) {
      List<OfflinePipeline.Encoded> round = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        byte[] junk = new byte[1 + random.nextInt(20)];
        random.nextBytes(junk);
        round.add(new OfflinePipeline.Encoded(Topics.MEMORY, ("cache-" + i).getBytes(StandardCharsets.UTF_8), junk,
            base.plusSeconds(i).toEpochMilli()));
      }
      pipeline.pipe(round);
      pipeline.finish();

      assertThat(pipeline.drainDeadLetters()).hasSize(40);
      assertThat(pipeline.drainCandidates()).isEmpty();
    }
  }

  private List<IncidentCandidate> run(SimulatedScenario scenario, int shards, int threads, int roundSize) {
    Instant end = Instant.ofEpochMilli(scenario.endMs());
    List<IncidentCandidate> out = new ArrayList<>();
    try (ShardedPipeline pipeline = new ShardedPipeline(ForeshockSettings.defaults(),
        Clock.fixed(end.plusSeconds(3_600), ZoneOffset.UTC), Instant.ofEpochMilli(scenario.startMs()), dir,
        shards, threads)) {
      pipeline.replay(scenario.records(), roundSize, () -> out.addAll(pipeline.drainCandidates()));
    }
    return out;
  }
}

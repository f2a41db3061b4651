package dev.foreshock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foreshock.simulate.SimulatedScenario;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class DemoCommandTest {

  private static final Instant NOW = Instant.parse("2026-11-23T08:00:00Z");

  @Test
  void shouldEndEverySeedScenarioAndTheQuietBaselineTogetherADayBeforeNow() {
    List<SimulatedScenario> timeline = DemoCommand.timeline(3, NOW);

    assertThat(timeline).extracting(SimulatedScenario::name)
        .containsExactlyInAnyOrder("slow-leak", "sync-recycling", "pool-stall", "rapid-rise", "quiet-baseline");
    long end = NOW.minus(Duration.ofDays(1)).toEpochMilli();
    // whole seconds are kept when shifting, so each scenario ends within a second of the same instant
    assertThat(timeline).allSatisfy(s -> assertThat(s.endMs()).isBetween(end - 1_000, end));
  }

  @Test
  void shouldMergeScenariosByEventTimeKeepingEachScenarioInItsOwnOrder() {
    List<SimulatedScenario> timeline = DemoCommand.timeline(3, NOW);

    List<SpecificRecord> merged = DemoCommand.sideBySide(timeline);

    assertThat(merged).hasSize(timeline.stream().mapToInt(s -> s.records().size()).sum());
    Map<SpecificRecord, Integer> position = new IdentityHashMap<>();
    for (int i = 0; i < merged.size(); i++) {
      position.put(merged.get(i), i);
    }
    for (SimulatedScenario s : timeline) {
      List<Integer> order = new ArrayList<>();
      s.records().forEach(r -> order.add(position.get(r)));
      assertThat(order).as("records of %s in their own order", s.name()).isSorted();
    }
    // the fast incidents happen at the end of the three-week leak, not before it
    SimulatedScenario rapid = timeline.stream().filter(s -> s.name().equals("rapid-rise")).findFirst().orElseThrow();
    assertThat(position.get(rapid.records().get(rapid.records().size() - 1))).isGreaterThan(merged.size() / 2);
  }
}

package dev.foreshock.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.runtime.TelemetryRouting;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class WorkloadTest {

  private static final long END = 1_758_070_800_000L;

  @Test
  void shouldGiveExactlyTheEventsAskedForBeforeTheEndWhenSeveralScenariosAreNeeded() {
    List<SpecificRecord> records = Workload.scenarios(40_000, 3, END);

    assertThat(records).hasSize(40_000);
    Set<String> topics = new HashSet<>();
    long latest = Long.MIN_VALUE;
    for (SpecificRecord r : records) {
      TelemetryRouting route = TelemetryRouting.of(r);
      topics.add(route.topic());
      if (route.timestamp() != null) {
        latest = Math.max(latest, route.timestamp());
      }
    }
    assertThat(latest).isLessThan(END);
    assertThat(topics).as("a realistic mix reaches every telemetry topic").hasSize(5);
  }

  @Test
  void shouldBeReproducibleWhenTheSeedIsTheSame() {
    assertThat(Workload.scenarios(5_000, 9, END)).isEqualTo(Workload.scenarios(5_000, 9, END));
    assertThat(Workload.scenarios(5_000, 9, END)).isNotEqualTo(Workload.scenarios(5_000, 10, END));
  }

  @Test
  void shouldSpreadRecordsOverExactlyTheDistinctKeysWhenAskedForKeys() {
    int keys = 3_001;
    List<SpecificRecord> records = Workload.distinctKeys(keys, 3, END, 1);

    assertThat(records).hasSize(keys * 3);
    Set<String> resources = new HashSet<>();
    Set<String> instances = new HashSet<>();
    for (SpecificRecord r : records) {
      if (r instanceof MemorySample m) {
        resources.add(m.getResource());
        assertThat(m.getUsedBytes()).isBetween(0L, m.getMaxBytes());
      } else {
        RequestStats s = (RequestStats) r;
        instances.add(s.getInstance());
        assertThat(s.getErrors()).isBetween(0L, s.getRequests());
      }
    }
    assertThat(resources.size() + instances.size()).isEqualTo(keys);
  }
}

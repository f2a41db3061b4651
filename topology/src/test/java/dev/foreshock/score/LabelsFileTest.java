package dev.foreshock.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelsFileTest {

  @TempDir Path dir;

  @Test
  void shouldReadContractExampleWithIsoTimes() {
    Labels labels = LabelsFile.parse("""
        {"expect":[{"type":"MEMORY_GROWTH","subject":"redis-queue","notBefore":"2022-11-05T00:00:00Z",
          "deadline":1667779200000,"minSeverity":"WARNING","exhaustsAt":1669503720000}],
         "allow":[{"type":"INCIDENT","subject":"redis-queue"}],
         "quiet":{"from":1667606400000,"to":1669503720000,"maxSeverity":"INFO"}}
        """, "labels.json");

    assertThat(labels.expect()).containsExactly(new Labels.Expectation(CandidateType.MEMORY_GROWTH, "redis-queue",
        1667606400000L, 1667779200000L, Severity.WARNING, 1669503720000L, null));
    assertThat(labels.allow()).containsExactly(new Labels.Allowed(CandidateType.INCIDENT, "redis-queue", null));
    assertThat(labels.quiet()).isEqualTo(new Labels.Quiet(1667606400000L, 1669503720000L, Severity.INFO));
  }

  @Test
  void shouldWriteAndReadBackTheSameLabels() throws Exception {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("fleetSize", 42L);
    params.put("queueLevel", 0.437);
    params.put("cron", "15m");
    Labels labels = new Labels("rapid-rise", 7L, params,
        List.of(new Labels.Expectation(CandidateType.MEMORY_RAPID_RISE, "redis-queue", 1000, 121_000,
            Severity.CRITICAL, null, "climbs to the limit")),
        List.of(new Labels.Allowed(CandidateType.TELEMETRY_GAP, "vlog-1", "silent")),
        new Labels.Quiet(0, 7_200_000, Severity.INFO));
    Path file = dir.resolve("labels.json");

    LabelsFile.write(labels, file);

    assertThat(LabelsFile.read(file)).isEqualTo(labels);
    assertThat(Files.readString(file)).isEqualTo(LabelsFile.format(labels)).endsWith("}\n");
  }

  @Test
  void shouldNameFileAndEntryWhenLabelIsWrong() throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, """
        {"expect":[{"type":"MEMORY_GROWTH","subject":"q","notBefore":5,"deadline":9},
                   {"type":"MEMORY_LEAK","subject":"q","notBefore":5,"deadline":9}]}
        """);

    assertThatThrownBy(() -> LabelsFile.read(file)).isInstanceOf(LabelsException.class)
        .hasMessageStartingWith(file + ": expect[1]: \"type\" is \"MEMORY_LEAK\", expected one of");
  }

  @Test
  void shouldRejectDeadlineBeforeNotBefore() {
    assertThatThrownBy(() -> LabelsFile.parse(
        "{\"expect\":[{\"type\":\"INCIDENT\",\"subject\":\"q\",\"notBefore\":9,\"deadline\":5}]}", "x.json"))
        .hasMessage("x.json: expect[0]: deadline is before notBefore");
  }

  @Test
  void shouldRejectFileThatIsNotJson() {
    assertThatThrownBy(() -> LabelsFile.parse("expect: nothing", "x.json"))
        .isInstanceOf(LabelsException.class).hasMessageStartingWith("x.json: not valid JSON");
  }
}

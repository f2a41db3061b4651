package dev.foreshock.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.foreshock.avro.ChangeEvent;
import dev.foreshock.avro.ConnectionEvent;
import dev.foreshock.avro.ConnectionEventKind;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.avro.ServiceDependencies;
import java.util.List;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class JsonLinesTest {

  private final JsonLines json = new JsonLines();

  @Test
  void shouldReadEveryExampleOfTheContractWhenLinesAreWellFormed() throws JsonLineException {
    assertThat(json.parse("{\"type\":\"dependencies\",\"service\":\"search-api\",\"dependsOn\":[\"redis-queue\"]}"))
        .isEqualTo(new ServiceDependencies("search-api", List.of("redis-queue"), null));
    assertThat(json.parse("{\"type\":\"connection\",\"ts\":1758070800000,\"service\":\"frontend-api\","
        + "\"instance\":\"fapi-7\",\"target\":\"postgres-main\",\"event\":\"OPENED\",\"reason\":\"MAX_LIFETIME\","
        + "\"count\":1}"))
        .isEqualTo(new ConnectionEvent(1758070800000L, "frontend-api", "fapi-7", "postgres-main",
            ConnectionEventKind.OPENED, "MAX_LIFETIME", 1));
    assertThat(json.parse("{\"type\":\"memory\",\"ts\":1758070800000,\"resource\":\"redis-queue\","
        + "\"host\":\"redis-1\",\"usedBytes\":1288490188,\"maxBytes\":3221225472}"))
        .isEqualTo(new MemorySample(1758070800000L, "redis-queue", "redis-1", 1288490188L, 3221225472L));
    assertThat(json.parse("{\"type\":\"requests\",\"ts\":1758070810000,\"service\":\"search-api\","
        + "\"instance\":\"search-3\",\"intervalMs\":10000,\"requests\":1200,\"errors\":3}"))
        .isEqualTo(new RequestStats(1758070810000L, "search-api", "search-3", 10000L, 1200L, 3L));
    assertThat(json.parse("{\"type\":\"change\",\"ts\":1758070500000,\"target\":\"search-api\",\"kind\":\"DEPLOY\","
        + "\"description\":\"APM agent dependency update\"}"))
        .isEqualTo(new ChangeEvent(1758070500000L, "search-api", "DEPLOY", "APM agent dependency update"));
  }

  @Test
  void shouldReadIsoTimesDefaultsAndIgnoreUnknownFieldsWhenGiven() throws JsonLineException {
    SpecificRecord r = json.parse("{\"extra\":{\"a\":[1,2]},\"ts\":\"2025-09-17T01:00:00.250Z\",\"type\":\"connection\","
        + "\"service\":\"s\",\"instance\":\"i\",\"target\":\"t\",\"event\":\"CLOSED\",\"reason\":null,\"count\":2.0}");

    assertThat(r).isEqualTo(new ConnectionEvent(1758070800250L, "s", "i", "t", ConnectionEventKind.CLOSED, null, 2));
    assertThat(((ConnectionEvent) json.parse("{\"type\":\"connection\",\"ts\":1,\"service\":\"s\",\"instance\":\"i\","
        + "\"target\":\"t\",\"event\":\"OPENED\"}")).getCount()).isEqualTo(1);
  }

  @Test
  void shouldSayWhatIsWrongWhenLineIsBad() {
    assertProblem("{\"type\":\"requests\",", "not valid JSON");
    assertProblem("[1,2]", "not a JSON object");
    assertProblem("{\"ts\":1} {}", "not valid JSON: more after the end of the object");
    assertProblem("{\"ts\":1}", "missing \"type\" (one of connection, memory, requests, change, dependencies)");
    assertProblem("{\"type\":\"disk\"}", "unknown type \"disk\"");
    assertProblem("{\"type\":\"memory\",\"ts\":1,\"resource\":\"r\"}", "missing field \"usedBytes\"");
    assertProblem("{\"type\":\"memory\",\"ts\":true,\"resource\":\"r\",\"usedBytes\":1}",
        "field \"ts\" must be epoch milliseconds or an ISO-8601 string, was true");
    assertProblem("{\"type\":\"memory\",\"ts\":\"yesterday\",\"resource\":\"r\",\"usedBytes\":1}",
        "field \"ts\" is not epoch milliseconds or an ISO-8601 time: \"yesterday\"");
    assertProblem("{\"type\":\"memory\",\"ts\":1,\"resource\":[\"r\"],\"usedBytes\":1}",
        "field \"resource\" must be a string, was an array");
    assertProblem("{\"type\":\"memory\",\"ts\":1,\"resource\":\"r\",\"usedBytes\":1.5}",
        "field \"usedBytes\" must be a whole number, was 1.5");
    assertProblem("{\"type\":\"connection\",\"ts\":1,\"service\":\"s\",\"instance\":\"i\",\"target\":\"t\","
        + "\"event\":\"EXPLODED\"}", "field \"event\" is \"EXPLODED\", expected one of OPENED, CLOSED, ACQUIRE_FAILED");
    assertProblem("{\"type\":\"dependencies\",\"service\":\"s\",\"dependsOn\":[\"a\",3]}",
        "field \"dependsOn\" must hold only strings, found 3");
    assertProblem("{\"type\":\"dependencies\",\"service\":\"s\",\"dependsOn\":\"a\"}",
        "field \"dependsOn\" must be an array of strings, was \"a\"");
  }

  @Test
  void shouldReadBackWhatItWritesWhenRecordsAreRandom() throws JsonLineException {
    Random random = new Random(5);
    for (int i = 0; i < 500; i++) {
      long ts = 1_758_070_800_000L + random.nextInt(86_400_000);
      SpecificRecord record = switch (random.nextInt(5)) {
        case 0 -> new ConnectionEvent(ts, "svc-" + random.nextInt(9), "i-" + random.nextInt(99), "db",
            ConnectionEventKind.values()[random.nextInt(3)], random.nextBoolean() ? null : "ERROR",
            1 + random.nextInt(40));
        case 1 -> new MemorySample(ts, "redis-" + random.nextInt(3), random.nextBoolean() ? null : "h",
            (long) random.nextInt(Integer.MAX_VALUE) * 4, random.nextBoolean() ? null : 1L << 34);
        case 2 -> new RequestStats(ts, "svc", "i-\"quoted\"", 10_000L, 1_000L, (long) random.nextInt(1_000));
        case 3 -> new ChangeEvent(ts, "svc", "DEPLOY", "release \u00e9\n" + i);
        default -> new ServiceDependencies("svc", List.of("a", "b" + i), random.nextBoolean() ? null : ts);
      };
      assertThat(json.parse(json.format(record))).isEqualTo(record);
    }
  }

  private void assertProblem(String line, String message) {
    assertThatThrownBy(() -> json.parse(line)).isInstanceOf(JsonLineException.class).hasMessageStartingWith(message);
  }
}

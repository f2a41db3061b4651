package dev.foreshock.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foreshock.avro.CandidateType;
import dev.foreshock.avro.Severity;
import dev.foreshock.json.JsonSerde;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Episodes are restored from their changelog on start: every field must survive JSON. */
class EpisodeSerdeTest {

  @Test
  void shouldRestoreAnIncidentEpisodeWithItsMembersInJoinOrder() {
    Episode incident = new Episode();
    incident.id = "INCIDENT:redis-queue:2025-08-29T07:51:35Z";
    incident.type = CandidateType.INCIDENT;
    incident.subject = "redis-queue";
    incident.severity = Severity.CRITICAL;
    incident.evidence = Map.of("members", 2.0, "activeMembers", 1.0);
    incident.causes = List.of("2025-08-29T07:43:00Z DEPLOY search-api: APM agent dependency update");
    incident.members = new LinkedHashMap<>();
    incident.members.put("z-first", new Episode.Member("MEMORY_RAPID_RISE|redis-queue", CandidateType.MEMORY_RAPID_RISE,
        "redis-queue", Severity.CRITICAL, false, 10L, 5L, 20L));
    incident.members.put("a-second", new Episode.Member("ERROR_RATE_SPIKE|search-api", CandidateType.ERROR_RATE_SPIKE,
        "search-api", Severity.WARNING, true, 12L, 6L, 21L));
    incident.emittedSeverity = Severity.WARNING;
    incident.pending = true;
    incident.lowerSinceTs = 99L;
    incident.records = 3;
    incident.endedTs = 1_795_331_620_000L;

    JsonSerde<Episode> serde = new JsonSerde<>(Episode.class);
    Episode back = serde.deserializer().deserialize("t", serde.serializer().serialize("t", incident));

    assertThat(back.isIncident()).isTrue();
    assertThat(back.members.keySet()).containsExactly("z-first", "a-second");
    assertThat(back.members.get("a-second")).isEqualTo(incident.members.get("a-second"));
    assertThat(back.evidence).isEqualTo(incident.evidence);
    assertThat(back.causes).isEqualTo(incident.causes);
    assertThat(back.key()).isEqualTo("INCIDENT|redis-queue");
    assertThat(back.emittedSeverity).isEqualTo(Severity.WARNING);
    assertThat(back.pending).isTrue();
    assertThat(back.lowerSinceTs).isEqualTo(99L);
    assertThat(back.records).isEqualTo(3);
    assertThat(back.endedTs).isEqualTo(1_795_331_620_000L);
    assertThat(back.clearedTs).isEqualTo(-1L);
    assertThat(back.incidentId).isNull();
  }
}

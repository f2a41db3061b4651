package dev.foreshock.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.foreshock.avro.ChangeEvent;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.serde.InMemorySchemaRegistry.Registration;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class InMemorySchemaRegistryTest {

  private static final Schema OLD_MEMORY = SchemaBuilder.record("MemorySample").namespace("dev.foreshock.avro")
      .fields().requiredLong("ts").requiredString("resource").requiredLong("usedBytes").endRecord();

  @Test
  void shouldNumberVersionsPerSubjectAndIdsGlobally() {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    int old = registry.register("telemetry.memory-value", OLD_MEMORY);
    int current = registry.register("telemetry.memory-value", MemorySample.getClassSchema());
    int shared = registry.register("mirror.memory-value", MemorySample.getClassSchema());

    assertThat(List.of(old, current, shared)).containsExactly(1, 2, 2);
    assertThat(registry.register("telemetry.memory-value", OLD_MEMORY)).isEqualTo(1);
    assertThat(registry.versions("telemetry.memory-value")).containsExactly(1, 2);
    assertThat(registry.latest("telemetry.memory-value")).contains(
        new Registration("telemetry.memory-value", 2, 2, MemorySample.getClassSchema()));
    assertThat(registry.lookup("mirror.memory-value", MemorySample.getClassSchema()).map(Registration::version)).contains(1);
    assertThat(registry.lookup("mirror.memory-value", OLD_MEMORY)).isEmpty();
    assertThat(registry.version("telemetry.memory-value", 3)).isEmpty();
    assertThat(registry.usages(2)).extracting(Registration::subject).containsExactly("telemetry.memory-value", "mirror.memory-value");
    assertThatThrownBy(() -> registry.schemaById(3)).isInstanceOf(SchemaRegistryException.class).hasMessage("unknown schema id 3");
  }

  @Test
  void shouldJournalOnlyNewVersionsAndNotRegisterWhatTheJournalRefused() {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    List<Registration> journal = new ArrayList<>();
    registry.journal(journal::add);
    registry.register("telemetry.changes-value", ChangeEvent.getClassSchema());
    registry.register("telemetry.changes-value", ChangeEvent.getClassSchema());
    registry.register("telemetry.requests-value", RequestStats.getClassSchema());
    assertThat(journal).extracting(Registration::subject, Registration::version, Registration::id)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("telemetry.changes-value", 1, 1),
            org.assertj.core.groups.Tuple.tuple("telemetry.requests-value", 1, 2));

    registry.journal(r -> {
      throw new SchemaRegistryException("disk full");
    });
    assertThatThrownBy(() -> registry.register("telemetry.memory-value", MemorySample.getClassSchema()))
        .hasMessage("disk full");
    assertThat(registry.subjects()).containsExactly("telemetry.changes-value", "telemetry.requests-value");
    assertThat(registry.maxId()).isEqualTo(2);
  }

  @Test
  void shouldRestoreIdsAsJournaledAndRefuseInconsistentEntries() {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    registry.restore(new Registration("telemetry.memory-value", 1, 5, OLD_MEMORY));
    registry.restore(new Registration("telemetry.memory-value", 2, 9, MemorySample.getClassSchema()));

    assertThat(registry.register("telemetry.requests-value", RequestStats.getClassSchema())).isEqualTo(10);
    assertThatThrownBy(() -> registry.restore(new Registration("x-value", 1, 11, OLD_MEMORY)))
        .hasMessageContaining("already registered with id 5");
    assertThatThrownBy(() -> registry.restore(new Registration("x-value", 1, 5, ChangeEvent.getClassSchema())))
        .hasMessageContaining("id 5").hasMessageContaining("already taken");
    assertThatThrownBy(() -> registry.restore(new Registration("telemetry.memory-value", 4, 12, ChangeEvent.getClassSchema())))
        .hasMessageContaining("version 4 out of order: expected version 3");
  }
}

package dev.foreshock.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class JsonSerdeTest {

  /** A state value of the usual shape: names, longs, nullable fields, arrays of doubles, a map. */
  record Figures(String subject, long ts, Double baseline, double[] history, List<String> related,
      Map<String, Double> evidence) {}

  private final JsonSerde<Figures> serde = new JsonSerde<>(Figures.class);

  @Test
  void shouldGiveBackEveryDoubleBitForBitWhenWrittenAndRead() {
    Random random = new Random(17);
    double[] history = new double[120];
    for (int i = 0; i < history.length; i++) {
      history[i] = random.nextGaussian() * Math.pow(10, random.nextInt(30) - 15);
    }
    history[0] = Double.MIN_VALUE;
    history[1] = -0.0;
    history[2] = Double.MAX_VALUE;
    Figures value = new Figures("redis-queue", 1_758_067_200_123L, null, history, List.of("core-api", "web"),
        Map.of("slope", 0.1 + 0.2, "r2", 0.987654321));

    Figures back = serde.deserializer().deserialize("t", serde.serializer().serialize("t", value));

    assertThat(back.subject()).isEqualTo("redis-queue");
    assertThat(back.ts()).isEqualTo(1_758_067_200_123L);
    assertThat(back.baseline()).isNull();
    assertThat(back.related()).containsExactly("core-api", "web");
    assertThat(back.evidence()).isEqualTo(value.evidence());
    for (int i = 0; i < history.length; i++) {
      assertThat(Double.doubleToRawLongBits(back.history()[i])).as("history[%d]", i)
          .isEqualTo(Double.doubleToRawLongBits(history[i]));
    }
  }

  @Test
  void shouldReadStateWrittenAsJsonTextByEarlierVersions() {
    byte[] text = ("{\"subject\":\"pg-main\",\"ts\":5,\"baseline\":0.0125,\"history\":[0.5,1.0E-7],"
        + "\"related\":[],\"evidence\":{\"x\":2.0},\"droppedField\":true}").getBytes(StandardCharsets.UTF_8);

    Figures back = serde.deserializer().deserialize("t", text);

    assertThat(back.subject()).isEqualTo("pg-main");
    assertThat(back.baseline()).isEqualTo(0.0125);
    assertThat(back.history()).containsExactly(0.5, 1.0E-7);
    assertThat(back.evidence()).containsEntry("x", 2.0);
  }

  @Test
  void shouldWriteSmallerThanJsonText() {
    double[] history = new Random(3).doubles(120).toArray();
    Figures value = new Figures("s", 1L, 0.5, history, List.of(), Map.of());

    byte[] written = serde.serializer().serialize("t", value);

    assertThat(new String(written, 0, 3, StandardCharsets.ISO_8859_1)).isEqualTo(":)\n");
    // 120 doubles as text take ~19 bytes each; as Smile 10
    assertThat(written.length).isLessThan(120 * 12);
  }

  @Test
  void shouldReadOneFieldOfSmileOrJsonTextWithTheStreamingParser() throws Exception {
    byte[] smile = serde.serializer().serialize("t", new Figures("s", 42L, null, new double[] {1, 2}, List.of(),
        Map.of()));
    byte[] text = "{\"subject\":\"s\",\"ts\":43}".getBytes(StandardCharsets.UTF_8);

    assertThat(ts(smile)).isEqualTo(42L);
    assertThat(ts(text)).isEqualTo(43L);
  }

  private static long ts(byte[] bytes) throws Exception {
    try (JsonParser p = JsonSerde.parser(bytes)) {
      p.nextToken();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        if (field.equals("ts")) {
          return p.getLongValue();
        }
        p.skipChildren();
      }
    }
    return -1;
  }

  @Test
  void shouldNameTypeAndTopicWhenBytesAreNotAValue() {
    assertThatThrownBy(() -> serde.deserializer().deserialize("app-gap-sources-changelog", new byte[] {'{', 'x'}))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith("cannot read Figures (2 bytes of app-gap-sources-changelog)");
  }
}

package dev.foreshock.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foreshock.Topics;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.backtest.OfflinePipeline;
import dev.foreshock.config.ForeshockSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestTest {

  private static final Instant BASE = Instant.parse("2025-09-17T01:00:00Z");

  @TempDir Path stateDir;
  private OfflinePipeline pipeline;

  @BeforeEach
  void start() {
    pipeline = new OfflinePipeline(ForeshockSettings.defaults(),
        Clock.fixed(BASE.plusSeconds(3600), ZoneOffset.UTC), BASE, stateDir);
  }

  @AfterEach
  void stop() {
    pipeline.close();
  }

  @Test
  void shouldSendGarbageBytesToDeadLetterTopicWithReasonAndOrigin() {
    byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
    pipeline.pipeRaw(Topics.REQUESTS, "search-api", garbage, BASE.toEpochMilli());

    List<TestRecord<byte[], byte[]>> dead = pipeline.drainDeadLetters();
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).value()).isEqualTo(garbage);
    assertThat(header(dead.get(0), "foreshock.dlq.reason")).isEqualTo("UNDECODABLE");
    assertThat(header(dead.get(0), "foreshock.dlq.message")).contains("magic byte");
    assertThat(header(dead.get(0), "foreshock.dlq.topic")).isEqualTo(Topics.REQUESTS);
    assertThat(header(dead.get(0), "foreshock.dlq.partition")).isEqualTo("0");
    assertThat(header(dead.get(0), "foreshock.dlq.offset")).isEqualTo("0");
  }

  @Test
  void shouldSendErrorsAboveRequestsToDeadLetterTopic() {
    pipeline.pipe(requests(BASE, 10, 11));
    pipeline.pipe(requests(BASE.plusSeconds(10), 10, 1));

    List<TestRecord<byte[], byte[]>> dead = pipeline.drainDeadLetters();
    assertThat(dead).hasSize(1);
    assertThat(header(dead.get(0), "foreshock.dlq.reason")).isEqualTo("INVALID");
    assertThat(header(dead.get(0), "foreshock.dlq.message")).isEqualTo("errors > requests (11 > 10)");
    assertThat(header(dead.get(0), "foreshock.dlq.offset")).isEqualTo("0");
  }

  @Test
  void shouldSendFarFutureTimestampToDeadLetterTopic() {
    pipeline.pipe(requests(Instant.parse("2100-01-01T00:00:00Z"), 10, 1));

    List<TestRecord<byte[], byte[]>> dead = pipeline.drainDeadLetters();
    assertThat(dead).hasSize(1);
    assertThat(header(dead.get(0), "foreshock.dlq.reason")).isEqualTo("FUTURE_TIMESTAMP");
    assertThat(header(dead.get(0), "foreshock.dlq.message")).startsWith("ts 2100-01-01T00:00:00Z is ahead of");
  }

  private static RequestStats requests(Instant ts, long requests, long errors) {
    return RequestStats.newBuilder().setTs(ts.toEpochMilli()).setService("search-api").setInstance("search-1")
        .setIntervalMs(10_000).setRequests(requests).setErrors(errors).build();
  }

  private static String header(TestRecord<byte[], byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}

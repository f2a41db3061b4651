package dev.foreshock.backtest;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.internals.StreamTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds records to a {@link TopologyTestDriver}'s task without the driver's per-record overhead.
 *
 * <p>For every record piped through a {@code TestInputTopic}, the driver (Kafka Streams 4.3)
 * compiles the record's topic name as a regular expression once per other source topic, then
 * commits the task and writes its checkpoint: together more than half of the CPU time of a
 * backtest. This class does what the driver does for a record minus those steps: it enqueues the
 * record in the task (same partition, offsets and timestamps as the driver would give), processes
 * it with stream-time punctuation, and only when the topology has written something hands over to
 * the driver ({@code advanceWallClockTime(0)}), which routes the output to the output topics and
 * the internal (repartition) topics back into the task and commits, exactly as after a
 * {@code pipeInput}. With the record caches off (see {@link OfflinePipeline}), the output is the
 * same, record for record.
 *
 * <p>It reaches into the driver's private fields; if they are not there (another Kafka version),
 * {@link #attach} answers empty and the caller pipes through the driver as usual.
 */
final class DirectInput {

  private static final Logger log = LoggerFactory.getLogger(DirectInput.class);

  private final TopologyTestDriver driver;
  private final StreamTask task;
  private final MockProducer<byte[], byte[]> producer;
  private final Time wallClock;
  private final Map<String, TopicPartition> partitions = new HashMap<>();
  private final Map<String, AtomicLong> offsets = new HashMap<>();

  private DirectInput(TopologyTestDriver driver, StreamTask task, MockProducer<byte[], byte[]> producer,
      Time wallClock, Map<TopicPartition, AtomicLong> offsetsByPartition) {
    this.driver = driver;
    this.task = task;
    this.producer = producer;
    this.wallClock = wallClock;
    // Only the task's own partitions: global-store topics still go through the driver.
    for (TopicPartition tp : task.inputPartitions()) {
      AtomicLong offset = offsetsByPartition.get(tp);
      if (offset != null) {
        partitions.put(tp.topic(), tp);
        offsets.put(tp.topic(), offset);
      }
    }
  }

  /** A direct input into {@code driver}, or empty if its internals are not the expected ones. */
  @SuppressWarnings("unchecked")
  static Optional<DirectInput> attach(TopologyTestDriver driver) {
    try {
      StreamTask task = (StreamTask) field(driver, "task");
      if (task == null) {
        return Optional.empty(); // only global stores
      }
      return Optional.of(new DirectInput(driver, task,
          (MockProducer<byte[], byte[]>) field(driver, "producer"),
          (Time) field(driver, "mockWallClockTime"),
          (Map<TopicPartition, AtomicLong>) field(driver, "offsetsByTopicOrPatternPartition")));
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      log.debug("piping through TopologyTestDriver's input topics: {}", e.toString());
      return Optional.empty();
    }
  }

  private static Object field(TopologyTestDriver driver, String name) throws ReflectiveOperationException {
    Field f = TopologyTestDriver.class.getDeclaredField(name);
    f.setAccessible(true);
    return f.get(driver);
  }

  /**
   * Processes one record of {@code topic}; false (and nothing done) if the topic is not a source
   * of the task (a global-store topic, or unknown).
   */
  boolean pipe(String topic, byte[] key, byte[] value, long timestamp) {
    TopicPartition tp = partitions.get(topic);
    if (tp == null) {
      return false;
    }
    long offset = offsets.get(topic).incrementAndGet() - 1;
    task.addRecords(tp, Collections.singleton(new ConsumerRecord<>(topic, tp.partition(), offset, timestamp,
        TimestampType.CREATE_TIME, key == null ? -1 : key.length, value == null ? -1 : value.length, key, value,
        new RecordHeaders(), Optional.empty())));
    long now = wallClock.milliseconds();
    while (task.hasRecordsQueued() && task.isProcessable(now)) {
      task.process(now);
      task.maybePunctuateStreamTime();
    }
    if (!producer.history().isEmpty()) {
      driver.advanceWallClockTime(Duration.ZERO);
    }
    return true;
  }
}

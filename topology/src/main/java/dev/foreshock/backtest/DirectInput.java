package dev.foreshock.backtest;

import java.lang.reflect.Field;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
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
 * commits the task and writes its checkpoint; and it does the same for every record the topology
 * writes to a repartition topic: together more than half of the CPU time of a backtest. This class
 * does what the driver does minus those steps: it enqueues the record in the task (same partition,
 * offsets and timestamps as the driver would give), processes it with stream-time punctuation, and
 * routes what the topology wrote as the driver would: repartition records back into the task,
 * output records to the driver's output topics (read with {@code TestOutputTopic} as usual). With
 * the record caches off (see {@link OfflinePipeline}), the output is the same, record for record.
 * Changelog records (one per write to a logged store) are dropped: they are not output, and the
 * driver would keep every one of them in memory. Nothing commits: offline, with in-memory stores,
 * a commit has nothing to make durable.
 *
 * <p>It reaches into the driver's private fields; if they are not there (another Kafka version),
 * {@link #attach} answers empty and the caller pipes through the driver as usual.
 */
final class DirectInput {

  private static final Logger log = LoggerFactory.getLogger(DirectInput.class);

  private final StreamTask task;
  private final MockProducer<byte[], byte[]> producer;
  private final Time wallClock;
  private final Map<String, TopicPartition> partitions = new HashMap<>();
  private final Map<String, AtomicLong> offsets = new HashMap<>();
  private final Map<String, Queue<ProducerRecord<byte[], byte[]>>> outputsByTopic;
  private final String changelogPrefix;
  private Consumer<ProducerRecord<byte[], byte[]>> repartitionSink;

  private DirectInput(String applicationId, StreamTask task,
      MockProducer<byte[], byte[]> producer, Time wallClock, Map<TopicPartition, AtomicLong> offsetsByPartition,
      Map<String, Queue<ProducerRecord<byte[], byte[]>>> outputsByTopic) {
    this.changelogPrefix = applicationId + "-";
    this.outputsByTopic = outputsByTopic;
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

  /**
   * A direct input into {@code driver} (built with {@code applicationId}), or empty if its
   * internals are not the expected ones.
   */
  @SuppressWarnings("unchecked")
  static Optional<DirectInput> attach(TopologyTestDriver driver, String applicationId) {
    try {
      StreamTask task = (StreamTask) field(driver, "task");
      if (task == null) {
        return Optional.empty(); // only global stores
      }
      return Optional.of(new DirectInput(applicationId, task,
          (MockProducer<byte[], byte[]>) field(driver, "producer"),
          (Time) field(driver, "mockWallClockTime"),
          (Map<TopicPartition, AtomicLong>) field(driver, "offsetsByTopicOrPatternPartition"),
          (Map<String, Queue<ProducerRecord<byte[], byte[]>>>) field(driver, "outputRecordsByTopic")));
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
    return pipe(topic, key, value, timestamp, new RecordHeaders());
  }

  /** As {@link #pipe(String, byte[], byte[], long)}, with the record's headers. */
  boolean pipe(String topic, byte[] key, byte[] value, long timestamp, Headers headers) {
    TopicPartition tp = partitions.get(topic);
    if (tp == null) {
      return false;
    }
    enqueue(tp, key, value, timestamp, headers);
    long now = wallClock.milliseconds();
    while (true) {
      while (task.hasRecordsQueued() && task.isProcessable(now)) {
        task.process(now);
        task.maybePunctuateStreamTime();
      }
      List<ProducerRecord<byte[], byte[]>> written = producer.history();
      if (written.isEmpty()) {
        return true;
      }
      producer.clear();
      for (ProducerRecord<byte[], byte[]> r : written) {
        route(r);
      }
    }
  }

  /**
   * Where the driver would put a record the topology wrote: a changelog record nowhere (nobody
   * reads them offline, and the driver would keep every one in memory for the whole run); a record
   * of a topic the task reads (a repartition topic) back into the task; any other to its output
   * topic, for {@code TestOutputTopic}.
   */
  private void route(ProducerRecord<byte[], byte[]> r) {
    if (isChangelog(r.topic())) {
      return;
    }
    TopicPartition tp = partitions.get(r.topic());
    if (tp != null && repartitionSink != null) {
      repartitionSink.accept(r);
    } else if (tp != null) {
      enqueue(tp, r.key(), r.value(), r.timestamp(), r.headers());
    } else {
      outputsByTopic.computeIfAbsent(r.topic(), t -> new LinkedList<>()).add(r);
    }
  }

  /**
   * From now on, records written to a topic the task reads (a repartition topic) go to
   * {@code sink} instead of back into the task.
   */
  void redirectRepartitions(Consumer<ProducerRecord<byte[], byte[]>> sink) {
    this.repartitionSink = sink;
  }

  private void enqueue(TopicPartition tp, byte[] key, byte[] value, long timestamp, Headers headers) {
    long offset = offsets.get(tp.topic()).incrementAndGet() - 1;
    task.addRecords(tp, Collections.singleton(new ConsumerRecord<>(tp.topic(), tp.partition(), offset, timestamp,
        TimestampType.CREATE_TIME, key == null ? -1 : key.length, value == null ? -1 : value.length, key, value,
        headers, Optional.empty())));
  }

  private boolean isChangelog(String topic) {
    return topic.endsWith("-changelog") && topic.startsWith(changelogPrefix);
  }
}

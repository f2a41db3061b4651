package dev.foreshock.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a streams application's consumer group is behind: committed offsets against the
 * {@code read_committed} end offsets of every partition it reads (the input topics and its own
 * repartition topics). Under exactly-once the offsets are committed in the same transaction as
 * the output, so lag 0 everywhere means every result is committed and readable.
 */
final class GroupLag {

  private final Admin admin;

  GroupLag(Admin admin) {
    this.admin = admin;
  }

  /**
   * The records not yet committed by {@code group} on the given topics and on the group's
   * internal topics (names starting with {@code group-}); -1 while the group has committed
   * nothing on some input partition.
   */
  long lag(String group, Iterable<String> inputTopics, Map<String, Integer> inputPartitions) {
    try {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> query = new HashMap<>();
      for (String topic : inputTopics) {
        for (int p = 0; p < inputPartitions.getOrDefault(topic, 1); p++) {
          query.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
      }
      for (TopicPartition tp : committed.keySet()) {
        if (tp.topic().startsWith(group + "-")) {
          query.put(tp, OffsetSpec.latest());
        }
      }
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin
          .listOffsets(query, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(30, TimeUnit.SECONDS);
      long lag = 0;
      for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : ends.entrySet()) {
        long end = e.getValue().offset();
        OffsetAndMetadata c = committed.get(e.getKey());
        if (c == null) {
          if (end > 0) {
            return -1;
          }
          continue;
        }
        lag += Math.max(0, end - c.offset());
      }
      return lag;
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot read the offsets of consumer group " + group + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the offsets of " + group, e);
    }
  }

  /**
   * Waits until the group has committed everything; a lag of at most one record per internal
   * partition that stays unchanged for two seconds also counts (a transaction marker at the end
   * of a repartition topic that the group never needs to step over).
   *
   * @return the {@link System#nanoTime()} at which the group had caught up (for a stuck marker,
   *     when the lag last changed), or -1 if {@code timeout} passed first or {@code failed} turned true
   */
  long awaitCaughtUp(String group, Iterable<String> inputTopics, Map<String, Integer> partitions,
      Duration timeout, BooleanSupplier failed, LongConsumerOfLag progress) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long lastLag = -2;
    long lastChange = System.nanoTime();
    while (System.nanoTime() < deadline && !failed.getAsBoolean()) {
      long lag = lag(group, inputTopics, partitions);
      if (lag == 0) {
        return System.nanoTime();
      }
      if (lag != lastLag) {
        lastLag = lag;
        lastChange = System.nanoTime();
      } else if (lag > 0 && lag <= 3 && System.nanoTime() - lastChange > 2_000_000_000L) {
        return lastChange;
      }
      progress.accept(lag);
      Thread.sleep(50);
    }
    return -1;
  }

  /** Told the current lag while waiting. */
  @FunctionalInterface
  interface LongConsumerOfLag {
    void accept(long lag);
  }
}

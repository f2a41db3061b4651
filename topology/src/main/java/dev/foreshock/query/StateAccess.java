package dev.foreshock.query;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * How the query API reaches the state stores: locally, and through the instance that owns a key.
 * Backed by a running {@code KafkaStreams} client, or by a {@code TopologyTestDriver} offline.
 */
public interface StateAccess {

  /** Any local partition will do (lists, gauges, the offline driver). */
  int ALL_PARTITIONS = -1;

  /** Whether the stores can be read now. */
  enum Status { RUNNING, REBALANCING, NOT_RUNNING }

  /**
   * Where a key lives: its partition, and the instance ({@code host:port}) that owns it, or null
   * when that is this one.
   */
  record Owner(String remote, int partition) {
    public boolean local() {
      return remote == null;
    }
  }

  Status status();

  /**
   * The owner of {@code key} in {@code store}.
   *
   * @throws NotReadyException while a rebalance moves the key
   */
  Owner owner(String store, String key);

  /** Every other instance of the application ({@code host:port}), for lists that fan out. */
  List<String> otherInstances();

  /**
   * The local part of a key-value store: one partition, or {@link #ALL_PARTITIONS}.
   *
   * @throws NotReadyException if it cannot be read now (the partition is not active here)
   */
  <V> ReadOnlyKeyValueStore<String, V> keyValueStore(String name, int partition);

  /**
   * Every partition of a key-value store this instance hosts, for lists: empty when the store's
   * partitions are all elsewhere.
   *
   * @throws NotReadyException while a rebalance moves state
   */
  <V> Optional<ReadOnlyKeyValueStore<String, V>> localKeyValueStore(String name);

  /** The local part of a window store; see {@link #keyValueStore}. */
  <V> ReadOnlyWindowStore<String, V> windowStore(String name, int partition);

  /** A store cannot be read now (rebalance, restoration, shutdown): answer 503 and retry. */
  final class NotReadyException extends RuntimeException {
    public NotReadyException(String message) {
      super(message);
    }
  }
}

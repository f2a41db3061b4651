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

  /** Whether the stores can be read now. */
  enum Status { RUNNING, REBALANCING, NOT_RUNNING }

  Status status();

  /**
   * The instance ({@code host:port}) that owns {@code key} in {@code store}, or empty when it is
   * this one.
   *
   * @throws NotReadyException while a rebalance moves the key
   */
  Optional<String> remoteOwner(String store, String key);

  /** Every other instance of the application ({@code host:port}), for lists that fan out. */
  List<String> otherInstances();

  /** The local part of a key-value store. @throws NotReadyException if it cannot be read now */
  <V> ReadOnlyKeyValueStore<String, V> keyValueStore(String name);

  /** The local part of a window store. @throws NotReadyException if it cannot be read now */
  <V> ReadOnlyWindowStore<String, V> windowStore(String name);

  /** A store cannot be read now (rebalance, restoration, shutdown): answer 503 and retry. */
  final class NotReadyException extends RuntimeException {
    public NotReadyException(String message) {
      super(message);
    }
  }
}

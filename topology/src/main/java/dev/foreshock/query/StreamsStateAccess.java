package dev.foreshock.query;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * {@link StateAccess} over a running Kafka Streams client ({@code application.server} = {@code self}).
 *
 * <p>A keyed read asks for the key's own partition: while a rebalance moves that partition here
 * (restoring) or away, the read fails with {@link NotReadyException} instead of answering "not
 * found" from the partitions that happen to be local. Only active tasks are read (no stale stores).
 */
public final class StreamsStateAccess implements StateAccess {

  private final KafkaStreams streams;
  private final HostInfo self;

  public StreamsStateAccess(KafkaStreams streams, HostInfo self) {
    this.streams = streams;
    this.self = self;
  }

  @Override
  public Status status() {
    return switch (streams.state()) {
      case RUNNING -> Status.RUNNING;
      case REBALANCING, CREATED -> Status.REBALANCING;
      default -> Status.NOT_RUNNING;
    };
  }

  @Override
  public Owner owner(String store, String key) {
    KeyQueryMetadata meta;
    try {
      meta = streams.queryMetadataForKey(store, key, Serdes.String().serializer());
    } catch (IllegalStateException | InvalidStateStoreException e) {
      throw new NotReadyException("the streams client is " + streams.state() + ": " + e.getMessage());
    }
    if (meta == null || meta == KeyQueryMetadata.NOT_AVAILABLE || meta.activeHost() == null
        || meta.activeHost().port() < 0) {
      throw new NotReadyException("no instance owns '" + key + "' in store " + store + " yet (rebalancing)");
    }
    HostInfo owner = meta.activeHost();
    return new Owner(owner.equals(self) ? null : owner.host() + ":" + owner.port(), meta.partition());
  }

  @Override
  public List<String> otherInstances() {
    try {
      return streams.metadataForAllStreamsClients().stream()
          .map(StreamsMetadata::hostInfo)
          .filter(h -> !h.equals(self) && h.port() >= 0)
          .map(h -> h.host() + ":" + h.port())
          .distinct()
          .sorted()
          .toList();
    } catch (IllegalStateException e) {
      throw new NotReadyException("the streams client is " + streams.state() + ": " + e.getMessage());
    }
  }

  @Override
  public <V> ReadOnlyKeyValueStore<String, V> keyValueStore(String name, int partition) {
    return store(name, partition, QueryableStoreTypes.keyValueStore());
  }

  @Override
  public <V> Optional<ReadOnlyKeyValueStore<String, V>> localKeyValueStore(String name) {
    if (status() != Status.RUNNING) {
      throw new NotReadyException("the streams client is " + streams.state());
    }
    // streams.store() fails alike for "none of it is here" and "it is moving here": tell them apart
    boolean hosted = streams.streamsMetadataForStore(name).stream()
        .anyMatch(m -> m.hostInfo().equals(self) && !m.topicPartitions().isEmpty());
    if (!hosted) {
      return Optional.empty();
    }
    return Optional.of(keyValueStore(name, ALL_PARTITIONS));
  }

  @Override
  public <V> ReadOnlyWindowStore<String, V> windowStore(String name, int partition) {
    return store(name, partition, QueryableStoreTypes.windowStore());
  }

  private <T> T store(String name, int partition, QueryableStoreType<T> type) {
    StoreQueryParameters<T> params = StoreQueryParameters.fromNameAndType(name, type);
    if (partition != ALL_PARTITIONS) {
      params = params.withPartition(partition);
    }
    try {
      return streams.store(params);
    } catch (InvalidStateStoreException e) {
      throw new NotReadyException("store " + name
          + (partition == ALL_PARTITIONS ? "" : " partition " + partition) + " cannot be read here now: " + e.getMessage());
    }
  }
}

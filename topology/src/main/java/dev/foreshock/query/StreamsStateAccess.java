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
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/** {@link StateAccess} over a running Kafka Streams client ({@code application.server} = {@code self}). */
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
  public Optional<String> remoteOwner(String store, String key) {
    KeyQueryMetadata meta;
    try {
      meta = streams.queryMetadataForKey(store, key, Serdes.String().serializer());
    } catch (IllegalStateException e) {
      throw new NotReadyException("the streams client is " + streams.state() + ": " + e.getMessage());
    }
    if (meta == null || meta == KeyQueryMetadata.NOT_AVAILABLE || meta.activeHost() == null
        || meta.activeHost().port() < 0) {
      throw new NotReadyException("no instance owns '" + key + "' in store " + store + " yet (rebalancing)");
    }
    HostInfo owner = meta.activeHost();
    return owner.equals(self) ? Optional.empty() : Optional.of(owner.host() + ":" + owner.port());
  }

  @Override
  public List<String> otherInstances() {
    return streams.metadataForAllStreamsClients().stream()
        .map(StreamsMetadata::hostInfo)
        .filter(h -> !h.equals(self) && h.port() >= 0)
        .map(h -> h.host() + ":" + h.port())
        .distinct()
        .toList();
  }

  @Override
  public <V> ReadOnlyKeyValueStore<String, V> keyValueStore(String name) {
    try {
      return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
    } catch (InvalidStateStoreException e) {
      throw new NotReadyException("store " + name + " cannot be read now: " + e.getMessage());
    }
  }

  @Override
  public <V> ReadOnlyWindowStore<String, V> windowStore(String name) {
    try {
      return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>windowStore()));
    } catch (InvalidStateStoreException e) {
      throw new NotReadyException("store " + name + " cannot be read now: " + e.getMessage());
    }
  }
}

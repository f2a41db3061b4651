package dev.foreshock.query;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/** {@link StateAccess} over a {@link TopologyTestDriver}: one instance owning every key (offline runs, tests). */
public final class DriverStateAccess implements StateAccess {

  private final TopologyTestDriver driver;

  public DriverStateAccess(TopologyTestDriver driver) {
    this.driver = driver;
  }

  @Override
  public Status status() {
    return Status.RUNNING;
  }

  @Override
  public Optional<String> remoteOwner(String store, String key) {
    return Optional.empty();
  }

  @Override
  public List<String> otherInstances() {
    return List.of();
  }

  @Override
  public <V> ReadOnlyKeyValueStore<String, V> keyValueStore(String name) {
    ReadOnlyKeyValueStore<String, V> store = driver.getKeyValueStore(name);
    if (store == null) {
      throw new IllegalArgumentException("no key-value store named " + name);
    }
    return store;
  }

  @Override
  public <V> ReadOnlyWindowStore<String, V> windowStore(String name) {
    ReadOnlyWindowStore<String, V> store = driver.getWindowStore(name);
    if (store == null) {
      throw new IllegalArgumentException("no window store named " + name);
    }
    return store;
  }
}

package dev.foreshock.query;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/** {@link StateAccess} over a {@link TopologyTestDriver}: one instance owning every key (offline runs, tests). */
public final class DriverStateAccess implements StateAccess {

  private final TopologyTestDriver driver;
  private volatile Status status = Status.RUNNING;

  public DriverStateAccess(TopologyTestDriver driver) {
    this.driver = driver;
  }

  /** Pretends a rebalance (or a stop) for tests of the 503 answers. */
  public void status(Status status) {
    this.status = status;
  }

  @Override
  public Status status() {
    return status;
  }

  @Override
  public Owner owner(String store, String key) {
    requireRunning();
    return new Owner(null, ALL_PARTITIONS);
  }

  @Override
  public List<String> otherInstances() {
    return List.of();
  }

  @Override
  public <V> ReadOnlyKeyValueStore<String, V> keyValueStore(String name, int partition) {
    requireRunning();
    ReadOnlyKeyValueStore<String, V> store = driver.getKeyValueStore(name);
    if (store == null) {
      throw new IllegalArgumentException("no key-value store named " + name);
    }
    return store;
  }

  @Override
  public <V> Optional<ReadOnlyKeyValueStore<String, V>> localKeyValueStore(String name) {
    return Optional.of(keyValueStore(name, ALL_PARTITIONS));
  }

  @Override
  public <V> ReadOnlyWindowStore<String, V> windowStore(String name, int partition) {
    requireRunning();
    ReadOnlyWindowStore<String, V> store = driver.getWindowStore(name);
    if (store == null) {
      throw new IllegalArgumentException("no window store named " + name);
    }
    return store;
  }

  private void requireRunning() {
    if (status != Status.RUNNING) {
      throw new NotReadyException("the stores cannot be read while the application is " + status);
    }
  }
}

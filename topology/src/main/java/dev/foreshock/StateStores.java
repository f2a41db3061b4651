package dev.foreshock;

import java.time.Duration;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;

/**
 * Where the detectors' own (Processor API) stores keep their data: RocksDB, unless the streams
 * properties choose in-memory stores for the DSL ({@code dsl.store.suppliers.class} = in-memory, or
 * {@code default.dsl.store} = in_memory), as the offline backtest does; then these stores are in
 * memory too. Either way they are changelogged, so a live run restores them after a crash.
 */
public final class StateStores {

  private final boolean inMemory;

  private StateStores(boolean inMemory) {
    this.inMemory = inMemory;
  }

  /** The kind of store the topology's configuration asks for. */
  public static StateStores of(TopologyConfig config) {
    boolean inMemory = BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers.class.equals(config.dslStoreSuppliers)
        || config.parseStoreType() == Materialized.StoreType.IN_MEMORY;
    return new StateStores(inMemory);
  }

  public boolean inMemory() {
    return inMemory;
  }

  public KeyValueBytesStoreSupplier keyValue(String name) {
    return inMemory ? Stores.inMemoryKeyValueStore(name) : Stores.persistentKeyValueStore(name);
  }

  /** A window store without duplicates. */
  public WindowBytesStoreSupplier window(String name, Duration retention, Duration windowSize) {
    return inMemory
        ? Stores.inMemoryWindowStore(name, retention, windowSize, false)
        : Stores.persistentWindowStore(name, retention, windowSize, false);
  }
}

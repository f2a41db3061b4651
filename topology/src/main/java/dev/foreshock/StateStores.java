package dev.foreshock;

import java.time.Duration;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;

/**
 * Where the detectors' own (Processor API) stores keep their data, and which of them the topology
 * needs at all.
 *
 * <p>Kind: RocksDB, unless the streams properties choose in-memory stores for the DSL
 * ({@code dsl.store.suppliers.class} = in-memory, or {@code default.dsl.store} = in_memory), as the
 * offline backtest does; then these stores are in memory too. Either way they are changelogged, so
 * a live run restores them after a crash.
 *
 * <p>{@link Scope}: a live run (and every test) keeps the stores only the query API reads and the
 * checkpoints a restart resumes from; an offline backtest, which serves no query and never
 * restarts, leaves both out ({@link Scope#DETECTION_ONLY}): they are neither registered nor
 * written, and the candidates are the same.
 */
public final class StateStores {

  /** What the topology's state is kept for beyond the detection of this run. */
  public enum Scope {
    /**
     * Everything: the stores the query API reads ({@code error-windows}, {@code memory-windows},
     * {@code memory-trends}, {@code connection-windows}, and {@code error-baselines} and
     * {@code connection-patterns}, which a restart reads too) and the checkpoints a restart
     * resumes from. {@code run}, {@code demo} and the tests.
     */
    QUERY_AND_RESTART,
    /**
     * Only what the detectors read back within this run: no query API, no restart (an offline
     * backtest). The query-only stores and the restart checkpoints are left out; the stores a
     * detector reloads evicted state from ({@code memory-series}, {@code gap-sources}) stay, written
     * only on eviction.
     */
    DETECTION_ONLY
  }

  private final boolean inMemory;
  private final Scope scope;

  private StateStores(boolean inMemory, Scope scope) {
    this.inMemory = inMemory;
    this.scope = scope;
  }

  /** The kind of store the topology's configuration asks for, with every store (query API, restart). */
  public static StateStores of(TopologyConfig config) {
    return of(config, Scope.QUERY_AND_RESTART);
  }

  /** The kind of store the topology's configuration asks for, keeping the state {@code scope} needs. */
  public static StateStores of(TopologyConfig config, Scope scope) {
    boolean inMemory = BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers.class.equals(config.dslStoreSuppliers)
        || config.parseStoreType() == Materialized.StoreType.IN_MEMORY;
    return new StateStores(inMemory, scope);
  }

  public boolean inMemory() {
    return inMemory;
  }

  /** Whether the stores that (only) the query API reads are kept. */
  public boolean forQueries() {
    return scope == Scope.QUERY_AND_RESTART;
  }

  /** Whether state is checkpointed for a restart to resume from (else it is written only where this run reads it back). */
  public boolean forRestarts() {
    return scope == Scope.QUERY_AND_RESTART;
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

package dev.foreshock.bench;

import dev.foreshock.Topics;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.config.SettingsSource;
import dev.foreshock.embedded.EmbeddedKafka;
import dev.foreshock.embedded.EmbeddedSchemaRegistry;
import dev.foreshock.metrics.PipelineMetrics;
import dev.foreshock.runtime.ForeshockRuntime;
import dev.foreshock.runtime.RuntimeSettings;
import dev.foreshock.runtime.StreamsApp;
import dev.foreshock.runtime.TelemetryRouting;
import dev.foreshock.serde.AvroSerdes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The live half of {@code foreshock bench}: one embedded KRaft broker and schema registry, the
 * telemetry produced once, then a pass-through streams application and the full Foreshock
 * pipeline each reading it from the beginning with their own application id; then, with the
 * pipeline still running, the end-to-end latency of a failure spike and the memory per key.
 */
public final class LiveBench implements AutoCloseable {

  /** The topics the pass-through application writes: one per telemetry topic (one schema each). */
  static final String PASS_THROUGH_PREFIX = "bench.passthrough.";
  static final String PIPELINE_APP = "bench-pipeline";
  static final String PASS_THROUGH_APP = "bench-passthrough";
  private static final String LATENCY_SERVICE = "bench-latency-";
  private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(20);

  /** One streams application's run over the same events. */
  public record Run(String application, long events, Duration startup, Duration processing, Duration cpu) {
    public double eventsPerSecond() {
      return events / Math.max(processing.toNanos() / 1e9, 1e-9);
    }

    /** Events per CPU second of the application's own threads (stream thread, its clients' I/O threads). */
    public double eventsPerCpuSecond() {
      return events / Math.max(cpu.toNanos() / 1e9, 1e-9);
    }
  }

  /** Latency of the trials, in milliseconds, sorted. */
  public record Latency(int trials, double[] millis) {
    public double percentile(double p) {
      if (millis.length == 0) {
        return Double.NaN;
      }
      int i = (int) Math.ceil(p * millis.length) - 1;
      return millis[Math.max(0, Math.min(millis.length - 1, i))];
    }
  }

  /**
   * What {@code keys} new keys cost the pipeline: heap after GC, RocksDB live data and
   * memtables, RocksDB's estimated entries, and the state directory on disk (without the
   * memtables, which Streams writes out only at flushes).
   */
  public record Footprint(int keys, long records, long heapBytes, long rocksDbBytes, long rocksDbEntries,
      long diskBytes, StateSize state) {}

  /**
   * The pipeline's state as its changelog topics hold it: the latest record per key of every
   * changelog (tombstones removed), i.e. exactly what a restore rebuilds, in entries and serialized
   * key + value bytes (before RocksDB's own overhead and compression). Unlike RocksDB's metrics it
   * does not depend on when memtables are flushed or window segments are rolled.
   */
  public record StateSize(long entries, long bytes) {
    StateSize minus(StateSize before) {
      return new StateSize(entries - before.entries, bytes - before.bytes);
    }
  }

  private final Path dir;
  private final Consumer<String> progress;
  private final EmbeddedKafka kafka;
  private final EmbeddedSchemaRegistry registry;
  private final AvroSerdes serdes;
  private final Admin admin;
  private final KafkaProducer<String, SpecificRecord> producer;
  private final ForeshockSettings topology;
  private final Map<String, Integer> partitions = new HashMap<>();
  private StreamsApp pipeline;
  private PipelineMetrics metrics;
  private final Map<String, String> kafkaProperties;
  /** {@code rocksdb.memory.mb} for the pipeline when given (null: the runtime's default). */
  private String rocksDbMemoryMb;

  private LiveBench(Path dir, ForeshockSettings topology, Map<String, String> kafkaProperties,
      Consumer<String> progress) {
    this.dir = dir;
    this.kafkaProperties = Map.copyOf(kafkaProperties);
    this.topology = topology;
    this.progress = progress;
    EmbeddedKafka k = EmbeddedKafka.start(dir, "127.0.0.1", 0);
    EmbeddedSchemaRegistry r = null;
    try {
      r = EmbeddedSchemaRegistry.builder().start();
    } catch (RuntimeException e) {
      k.close();
      throw e;
    }
    this.kafka = k;
    this.registry = r;
    this.serdes = new AvroSerdes(registry.registry());
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "foreshock-bench");
    this.producer = new KafkaProducer<>(props, new StringSerializer(), new RoutingSerializer(serdes));
  }

  /**
   * Starts the broker and the registry (free ports, data under {@code dir}) and creates the topics.
   *
   * @param kafkaProperties Kafka client properties given to both streams applications (the
   *     {@code kafka.*} settings: a way to measure a streams configuration)
   */
  public static LiveBench start(Path dir, ForeshockSettings topology, Map<String, String> kafkaProperties,
      Consumer<String> progress) {
    LiveBench bench = new LiveBench(dir, topology, kafkaProperties, progress);
    try {
      ForeshockRuntime.ensureTopics(bench.settings(PIPELINE_APP));
      List<NewTopic> outputs = new ArrayList<>();
      for (String topic : Topics.TELEMETRY) {
        outputs.add(new NewTopic(PASS_THROUGH_PREFIX + topic, java.util.Optional.empty(), java.util.Optional.empty()));
      }
      bench.admin.createTopics(outputs).all().get(60, TimeUnit.SECONDS);
      for (var d : bench.admin.describeTopics(Topics.TELEMETRY).allTopicNames().get(60, TimeUnit.SECONDS).entrySet()) {
        bench.partitions.put(d.getKey(), d.getValue().partitions().size());
      }
      return bench;
    } catch (ExecutionException | TimeoutException e) {
      bench.close();
      throw new IllegalStateException("cannot create the benchmark's topics: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      bench.close();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (RuntimeException e) {
      bench.close();
      throw e;
    }
  }

  /** Gives the pipeline's RocksDB stores this much memory (the {@code rocksdb.memory.mb} setting). */
  public void rocksDbMemoryMb(String megabytes) {
    this.rocksDbMemoryMb = megabytes;
  }

  /** Sends the records, keyed and timestamped as the contract says, and waits until all are acknowledged. */
  public Duration produce(List<SpecificRecord> records) {
    long start = System.nanoTime();
    AtomicReference<Exception> failure = new AtomicReference<>();
    long last = start;
    for (int i = 0; i < records.size(); i++) {
      send(records.get(i), failure);
      if (System.nanoTime() - last > 2_000_000_000L) {
        last = System.nanoTime();
        progress.accept(String.format(java.util.Locale.ROOT, "producing: %,d of %,d records", i + 1, records.size()));
      }
    }
    producer.flush();
    if (failure.get() != null) {
      throw new IllegalStateException("cannot produce the benchmark's telemetry: " + failure.get().getMessage(),
          failure.get());
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private void send(SpecificRecord record, AtomicReference<Exception> failure) {
    TelemetryRouting route = TelemetryRouting.of(record);
    producer.send(new ProducerRecord<>(route.topic(), null, route.timestamp(), route.key(), record), (m, e) -> {
      if (e != null) {
        failure.compareAndSet(null, e);
      }
    });
  }

  /** Runs the pass-through application over everything produced so far, then closes it. */
  public Run passThrough(long events) throws InterruptedException {
    RuntimeSettings settings = settings(PASS_THROUGH_APP);
    StreamsBuilder builder = new StreamsBuilder();
    for (String topic : Topics.TELEMETRY) {
      Serde<SpecificRecord> serde = serdeOf(topic);
      builder.stream(topic, Consumed.with(Serdes.String(), serde).withName("bench-read-" + topic.replace('.', '-')))
          .to(PASS_THROUGH_PREFIX + topic,
              Produced.with(Serdes.String(), serde).withName("bench-write-" + topic.replace('.', '-')));
    }
    Properties props = StreamsApp.properties(settings);
    try (KafkaStreams streams = new KafkaStreams(builder.build(props), props)) {
      Run run = measure(PASS_THROUGH_APP, streams, events);
      streams.close(Duration.ofSeconds(30));
      return run;
    }
  }

  /** Starts the full pipeline, waits until it has committed everything produced so far, and keeps it running. */
  public Run pipeline(long events, PipelineMetrics metrics) throws InterruptedException {
    this.metrics = metrics;
    pipeline = new StreamsApp(settings(PIPELINE_APP), topology, new Topics(serdes), metrics, Clock.systemUTC());
    return measure(PIPELINE_APP, pipeline.streams(), events);
  }

  private Run measure(String app, KafkaStreams streams, long events) throws InterruptedException {
    progress.accept(app + ": starting");
    long start = System.nanoTime();
    streams.start();
    while (streams.state() != KafkaStreams.State.RUNNING) {
      if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING
          || System.nanoTime() - start > CATCH_UP_TIMEOUT.toNanos()) {
        throw new IllegalStateException(app + " did not reach RUNNING (state " + streams.state() + ")");
      }
      Thread.sleep(5);
    }
    long running = System.nanoTime();
    long[] lastReport = {running};
    long done = new GroupLag(admin).awaitCaughtUp(app, Topics.TELEMETRY, partitions, CATCH_UP_TIMEOUT,
        () -> streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING,
        lag -> {
          if (System.nanoTime() - lastReport[0] > 2_000_000_000L) {
            lastReport[0] = System.nanoTime();
            progress.accept(String.format(java.util.Locale.ROOT, "%s: %,d records behind after %.1f s", app,
                lag, (lastReport[0] - running) / 1e9));
          }
        });
    if (done < 0) {
      throw new IllegalStateException(app + " did not catch up within " + CATCH_UP_TIMEOUT + " (state "
          + streams.state() + ")");
    }
    Run run = new Run(app, events, Duration.ofNanos(running - start), Duration.ofNanos(done - running),
        Duration.ofNanos(cpuOfThreads(app + "-")));
    progress.accept(String.format(java.util.Locale.ROOT, "%s: %,d events in %.2f s: %,.0f events/s", app, events,
        run.processing().toNanos() / 1e9, run.eventsPerSecond()));
    return run;
  }

  /**
   * Records in the application's internal topics (repartition topics and changelogs), by topic:
   * what the pipeline writes besides its output, each a produce, a broker append and (for
   * repartition topics) a consume more per record.
   */
  public Map<String, Long> internalRecords(String app) {
    try {
      List<String> internal = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
          .filter(t -> t.startsWith(app + "-")).sorted().toList();
      Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> q = new HashMap<>();
      for (var d : admin.describeTopics(internal).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
        d.partitions().forEach(p -> q.put(new TopicPartition(d.name(), p.partition()),
            org.apache.kafka.clients.admin.OffsetSpec.latest()));
      }
      Map<String, Long> counts = new java.util.TreeMap<>();
      admin.listOffsets(q).all().get(30, TimeUnit.SECONDS).forEach((tp, info) ->
          counts.merge(tp.topic().substring(app.length() + 1), info.offset(), Long::sum));
      return counts;
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot read the internal topics of " + app + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of();
    }
  }

  /** Incident candidates committed on the output topic so far. */
  public long candidatesWritten() {
    try {
      Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> q = new HashMap<>();
      int n = admin.describeTopics(List.of(Topics.CANDIDATES)).allTopicNames().get(30, TimeUnit.SECONDS)
          .get(Topics.CANDIDATES).partitions().size();
      for (int p = 0; p < n; p++) {
        q.put(new TopicPartition(Topics.CANDIDATES, p), org.apache.kafka.clients.admin.OffsetSpec.latest());
      }
      try (KafkaConsumer<String, byte[]> c = candidateConsumer(
          new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
        List<TopicPartition> tps = new ArrayList<>(q.keySet());
        c.assign(tps);
        c.seekToBeginning(tps);
        long count = 0;
        Map<TopicPartition, Long> ends = c.endOffsets(tps);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (tps.stream().anyMatch(tp -> c.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
          count += c.poll(Duration.ofMillis(200)).count();
        }
        return count;
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot read " + Topics.CANDIDATES + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /**
   * End-to-end latency of an error-rate spike, {@code trials} times, with the pipeline running:
   * each trial gives a new service a calm history ({@code errors.min-baseline-windows} + 2
   * windows) and a window with 40% server errors, waits until the pipeline has committed all of
   * it, then sends the one record that moves stream time past the spike window's end plus the
   * grace, and times from just before that send until a {@code read_committed} consumer of the
   * candidates topic holds the ERROR_RATE_SPIKE candidate of that service.
   *
   * @param startMs event time of the first trial (later than anything the pipeline has seen);
   *     each trial takes {@link #trialSpanMs()} of event time after it
   */
  public Latency latency(int trials, long startMs) throws InterruptedException {
    Map<String, Long> arrivals = new ConcurrentHashMap<>();
    AtomicReference<RuntimeException> readFailure = new AtomicReference<>();
    KafkaConsumer<String, IncidentCandidate> consumer = candidateConsumer(serdes.valueSerde(IncidentCandidate.class)
        .deserializer());
    List<TopicPartition> tps = consumer.partitionsFor(Topics.CANDIDATES).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(tps);
    consumer.seekToEnd(tps);
    tps.forEach(consumer::position);
    Thread reader = new Thread(() -> {
      try {
        while (!Thread.currentThread().isInterrupted()) {
          for (ConsumerRecord<String, IncidentCandidate> r : consumer.poll(Duration.ofMillis(20))) {
            long now = System.nanoTime();
            IncidentCandidate c = r.value();
            if (c != null && c.getType().name().equals("ERROR_RATE_SPIKE") && c.getSubject().startsWith(LATENCY_SERVICE)) {
              arrivals.putIfAbsent(c.getSubject(), now);
            }
          }
        }
      } catch (org.apache.kafka.common.errors.InterruptException | org.apache.kafka.common.errors.WakeupException e) {
        // stopping
      } catch (RuntimeException e) {
        readFailure.set(e);
      } finally {
        consumer.close(Duration.ofSeconds(5));
      }
    }, "foreshock-bench-candidates");
    reader.setDaemon(true);
    reader.start();
    List<Double> millis = new ArrayList<>();
    try {
      long window = topology.errors().window().toMillis();
      long grace = topology.errors().grace().toMillis();
      int calm = topology.errors().minBaselineWindows() + 2;
      long span = trialSpanMs();
      GroupLag lag = new GroupLag(admin);
      AtomicReference<Exception> failure = new AtomicReference<>();
      java.util.Random rnd = new java.util.Random(42);
      for (int t = 0; t < trials; t++) {
        String service = LATENCY_SERVICE + t;
        long base = startMs + t * span;
        base -= Math.floorMod(base, window);
        int instances = 4;
        for (int w = 0; w <= calm; w++) {
          boolean spike = w == calm;
          for (int i = 0; i < instances; i++) {
            long requests = 500 + rnd.nextInt(50);
            long errors = spike ? requests * 2 / 5 : rnd.nextInt(3);
            send(new RequestStats(base + w * window + window / 2 + i, service, service + "-" + i, window, requests,
                errors), failure);
          }
        }
        producer.flush();
        if (lag.awaitCaughtUp(PIPELINE_APP, Topics.TELEMETRY, partitions, Duration.ofMinutes(2),
            () -> !pipeline.streams().state().isRunningOrRebalancing(), l -> { }) < 0) {
          throw new IllegalStateException("the pipeline did not catch up before latency trial " + t);
        }
        long spikeEnd = base + (calm + 1) * window;
        long sent = System.nanoTime();
        send(new RequestStats(spikeEnd + grace + 1_000, service, service + "-0", window, 500L, 0L), failure);
        producer.flush();
        long deadline = sent + 60_000_000_000L;
        while (!arrivals.containsKey(service) && System.nanoTime() < deadline && readFailure.get() == null) {
          Thread.sleep(1);
        }
        Long arrived = arrivals.get(service);
        if (arrived != null) {
          millis.add((arrived - sent) / 1e6);
          progress.accept(String.format(java.util.Locale.ROOT, "latency trial %d of %d: %.0f ms", t + 1, trials,
              (arrived - sent) / 1e6));
        } else {
          progress.accept("latency trial " + (t + 1) + " of " + trials + ": no candidate within 60 s");
        }
        if (failure.get() != null) {
          throw new IllegalStateException("cannot produce: " + failure.get().getMessage(), failure.get());
        }
      }
      if (readFailure.get() != null) {
        throw readFailure.get();
      }
    } finally {
      reader.interrupt();
      reader.join(10_000);
    }
    double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return new Latency(trials, sorted);
  }

  /** Event time one latency trial takes. */
  public long trialSpanMs() {
    return (topology.errors().minBaselineWindows() + 5L) * topology.errors().window().toMillis()
        + topology.errors().grace().toMillis();
  }

  /**
   * Produces {@code records} for new keys, waits until the pipeline has them, and measures what
   * they cost, each against the same figure just before: heap used after GC; RocksDB's own
   * account of the pipeline's stores (live SST files plus memtables, the streams metrics
   * {@code live-sst-files-size} and {@code cur-size-all-mem-tables}) and its estimated keys; and
   * the state directory on disk. Leaves the pipeline running.
   */
  public Footprint footprint(int keys, List<SpecificRecord> records) throws InterruptedException {
    long heapBefore = heapAfterGc();
    long rocksBefore = rocksDb("live-sst-files-size") + rocksDb("cur-size-all-mem-tables");
    long keysBefore = rocksDb("estimate-num-keys");
    long diskBefore = sizeOf(settings(PIPELINE_APP).stateDir());
    StateSize stateBefore = changelogState(PIPELINE_APP);
    produce(records);
    if (new GroupLag(admin).awaitCaughtUp(PIPELINE_APP, Topics.TELEMETRY, partitions, CATCH_UP_TIMEOUT,
        () -> !pipeline.streams().state().isRunningOrRebalancing(), l -> { }) < 0) {
      throw new IllegalStateException("the pipeline did not catch up with the new keys");
    }
    long heapAfter = heapAfterGc();
    long rocksAfter = rocksDb("live-sst-files-size") + rocksDb("cur-size-all-mem-tables");
    long keysAfter = rocksDb("estimate-num-keys");
    long diskAfter = sizeOf(settings(PIPELINE_APP).stateDir());
    StateSize stateAfter = changelogState(PIPELINE_APP);
    return new Footprint(keys, records.size(), heapAfter - heapBefore, rocksAfter - rocksBefore,
        keysAfter - keysBefore, diskAfter - diskBefore, stateAfter.minus(stateBefore));
  }

  /** Reads every changelog topic of {@code app} (read_committed) and sizes its latest record per key. */
  public StateSize changelogState(String app) {
    var bytes = new org.apache.kafka.common.serialization.ByteArrayDeserializer();
    try (KafkaConsumer<byte[], byte[]> c = committedConsumer(bytes, bytes)) {
      List<TopicPartition> tps = new ArrayList<>();
      for (String topic : admin.listTopics().names().get(30, TimeUnit.SECONDS)) {
        if (topic.startsWith(app + "-") && topic.endsWith("-changelog")) {
          c.partitionsFor(topic).forEach(p -> tps.add(new TopicPartition(topic, p.partition())));
        }
      }
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> ends = c.endOffsets(tps);
      Map<TopicPartition, Map<java.nio.ByteBuffer, Integer>> latest = new HashMap<>();
      long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
      while (tps.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("cannot read the changelogs of " + app + " within " + CATCH_UP_TIMEOUT);
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          Map<java.nio.ByteBuffer, Integer> sizes = latest.computeIfAbsent(
              new TopicPartition(r.topic(), r.partition()), tp -> new HashMap<>());
          if (r.value() == null) {
            sizes.remove(java.nio.ByteBuffer.wrap(r.key()));
          } else {
            sizes.put(java.nio.ByteBuffer.wrap(r.key()), r.serializedKeySize() + r.serializedValueSize());
          }
        }
      }
      long entries = 0;
      long total = 0;
      for (Map<java.nio.ByteBuffer, Integer> sizes : latest.values()) {
        entries += sizes.size();
        for (int size : sizes.values()) {
          total += size;
        }
      }
      return new StateSize(entries, total);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot list the changelogs of " + app + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new StateSize(0, 0);
    }
  }

  /** The sum of one RocksDB metric over every store of the pipeline. */
  private long rocksDb(String name) {
    long total = 0;
    for (var e : pipeline.streams().metrics().entrySet()) {
      if (e.getKey().name().equals(name) && e.getKey().group().equals("stream-state-metrics")
          && e.getValue().metricValue() instanceof Number n) {
        total += n.longValue();
      }
    }
    return total;
  }

  /** CPU time so far of the live threads whose name contains {@code part}. */
  static long cpuOfThreads(String part) {
    var threads = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().contains(part)) {
        long cpu = threads.getThreadCpuTime(info.getThreadId());
        if (cpu > 0) {
          total += cpu;
        }
      }
    }
    return total;
  }

  private static long heapAfterGc() {
    var memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      memory.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  static long sizeOf(Path root) {
    if (!Files.exists(root)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          return 0; // a file RocksDB removed while we walked
        }
      }).sum();
    } catch (IOException | UncheckedIOException e) {
      return -1;
    }
  }

  private RuntimeSettings settings(String app) {
    Map<String, String> values = new HashMap<>();
    values.put("bootstrap.servers", kafka.bootstrapServers());
    values.put("schema.registry.url", registry.url());
    values.put("application.id", app);
    values.put("data.dir", dir.toString());
    values.put("state.dir", dir.resolve("state-" + app).toString());
    values.put("topics.replication.factor", "1");
    values.put("shutdown.timeout", "30s");
    if (rocksDbMemoryMb != null) {
      values.put("rocksdb.memory.mb", rocksDbMemoryMb);
    }
    return RuntimeSettings.from(SettingsSource.of(values), kafkaProperties);
  }

  private <V> KafkaConsumer<String, V> candidateConsumer(org.apache.kafka.common.serialization.Deserializer<V> values) {
    return committedConsumer(new org.apache.kafka.common.serialization.StringDeserializer(), values);
  }

  /** A group-less consumer of the embedded broker that reads only committed records. */
  private <K, V> KafkaConsumer<K, V> committedConsumer(org.apache.kafka.common.serialization.Deserializer<K> keys,
      org.apache.kafka.common.serialization.Deserializer<V> values) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
    return new KafkaConsumer<>(props, keys, values);
  }

  @SuppressWarnings("unchecked")
  private Serde<SpecificRecord> serdeOf(String topic) {
    Class<? extends SpecificRecord> type = switch (topic) {
      case Topics.CONNECTIONS -> dev.foreshock.avro.ConnectionEvent.class;
      case Topics.MEMORY -> dev.foreshock.avro.MemorySample.class;
      case Topics.REQUESTS -> RequestStats.class;
      case Topics.CHANGES -> dev.foreshock.avro.ChangeEvent.class;
      case Topics.DEPENDENCIES -> dev.foreshock.avro.ServiceDependencies.class;
      default -> throw new IllegalArgumentException("not a telemetry topic: " + topic);
    };
    return (Serde<SpecificRecord>) (Serde<?>) serdes.valueSerde(type);
  }

  @Override
  public void close() {
    if (pipeline != null) {
      pipeline.close();
    }
    producer.close(Duration.ofSeconds(10));
    admin.close(Duration.ofSeconds(10));
    registry.close();
    kafka.close();
  }

  /** Serializes each record with the value serde of its own type. */
  private static final class RoutingSerializer implements Serializer<SpecificRecord> {
    private final AvroSerdes serdes;
    private final Map<Class<?>, Serializer<SpecificRecord>> byType = new ConcurrentHashMap<>();

    RoutingSerializer(AvroSerdes serdes) {
      this.serdes = serdes;
    }

    @Override
    @SuppressWarnings("unchecked")
    public byte[] serialize(String topic, SpecificRecord record) {
      Serializer<SpecificRecord> s = byType.computeIfAbsent(record.getClass(),
          type -> (Serializer<SpecificRecord>) serdes.valueSerde((Class<SpecificRecord>) type).serializer());
      return s.serialize(topic, record);
    }
  }
}

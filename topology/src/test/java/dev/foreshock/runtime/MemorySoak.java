package dev.foreshock.runtime;

import dev.foreshock.ForeshockTopology;
import dev.foreshock.Topics;
import dev.foreshock.avro.IncidentCandidate;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.config.ForeshockSettings;
import dev.foreshock.config.SettingsSource;
import dev.foreshock.metrics.PipelineMetrics;
import dev.foreshock.serde.AvroSerdes;
import dev.foreshock.serde.InMemorySchemaRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * A soak, not a unit test: the whole topology, with the runtime's streams properties (bounded
 * RocksDB included), over a stream in which every record names a new resource or a new instance,
 * so that every key-indexed structure of every stage grows with the key count. Prints the heap in
 * use after a full GC at each million records; the figure that matters is that it levels off
 * and the run ends instead of failing with {@code OutOfMemoryError}.
 *
 * <pre>
 * mvn -B -o -q test-compile -pl topology -am
 * java -Xmx512m -cp "$(cat topology/target/test-classpath.txt):topology/target/classes:topology/target/test-classes" \
 *     dev.foreshock.runtime.MemorySoak 1000000
 * </pre>
 * (write the class path once with {@code mvn -o -q dependency:build-classpath -pl topology
 * -Dmdep.outputFile=target/test-classpath.txt}).
 */
public final class MemorySoak {

  private MemorySoak() {}

  public static void main(String[] args) throws Exception {
    int distinct = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    // "both" (default), "resources" (memory samples only) or "instances" (request stats only)
    String mode = args.length > 1 ? args[1] : "both";
    boolean resources = !mode.equals("instances");
    boolean instances = !mode.equals("resources");
    Path stateDir = Files.createTempDirectory("foreshock-soak");
    Instant base = Instant.parse("2025-09-17T00:00:00Z");
    RuntimeSettings settings = RuntimeSettings.from(SettingsSource.of(Map.of(
        "bootstrap.servers", "soak:9092", "application.id", "foreshock-soak", "state.dir", stateDir.toString(),
        "rocksdb.memory.mb", "64")), Map.of());
    Properties props = StreamsApp.properties(settings);
    AvroSerdes serdes = new AvroSerdes(new InMemorySchemaRegistry());
    Topics topics = new Topics(serdes);
    long end = base.toEpochMilli() + distinct * 100L;
    ForeshockTopology topology = new ForeshockTopology(ForeshockSettings.defaults(), topics,
        PipelineMetrics.inMemory(), Clock.fixed(Instant.ofEpochMilli(end).plusSeconds(3600), ZoneOffset.UTC));
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    Random random = new Random(1_000_003);
    long started = System.nanoTime();
    long candidates = 0;
    try (TopologyTestDriver driver = new TopologyTestDriver(topology.build(props), props, base)) {
      StringSerializer keys = new StringSerializer();
      TestInputTopic<String, MemorySample> mem = driver.createInputTopic(Topics.MEMORY, keys,
          topics.memory().valueSerde().serializer());
      TestInputTopic<String, RequestStats> req = driver.createInputTopic(Topics.REQUESTS, keys,
          topics.requests().valueSerde().serializer());
      TestOutputTopic<String, IncidentCandidate> out = driver.createOutputTopic(Topics.CANDIDATES,
          Serdes.String().deserializer(), topics.candidates().valueSerde().deserializer());
      for (int i = 0; i < distinct; i++) {
        long ts = base.toEpochMilli() + i * 100L;
        String resource = "cache-" + i;
        long max = 1L << 30;
        if (resources) {
          mem.pipeInput(resource, MemorySample.newBuilder().setTs(ts).setResource(resource).setHost("host-" + (i % 5000))
            .setUsedBytes((long) (max * (0.3 + 0.2 * random.nextDouble()))).setMaxBytes(max).build(), ts);
        }
        String service = "service-" + (i % 2000);
        if (instances) {
          req.pipeInput(service, RequestStats.newBuilder().setTs(ts).setService(service).setInstance("instance-" + i)
            .setIntervalMs(10_000).setRequests(500 + random.nextInt(500)).setErrors(random.nextInt(3)).build(), ts);
        }
        if ((i + 1) % 10_000 == 0) {
          // the test driver keeps every record written to any topic (changelogs included) until
          // read: drain them, so that what stays on the heap is the application's own state
          for (String topic : driver.producedTopicNames()) {
            if (!topic.equals(Topics.CANDIDATES)) {
              driver.createOutputTopic(topic, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer())
                  .readRecordsToList();
            }
          }
          candidates += out.readValuesToList().size();
        }
        if ((i + 1) % 100_000 == 0) {
          System.gc();
          System.out.printf(Locale.ROOT, "%,d distinct keys (" + mode + "): heap used %,d MB (max %,d MB), %,.0f records/s, %,d candidates%n",
              i + 1, memory.getHeapMemoryUsage().getUsed() >> 20, memory.getHeapMemoryUsage().getMax() >> 20,
              (resources && instances ? 2.0 : 1.0) * (i + 1) / ((System.nanoTime() - started) / 1e9), candidates);
        }
      }
      candidates += out.readValuesToList().size();
    }
    System.out.printf(Locale.ROOT, "done: %,d distinct keys (%s) in %.0f s, %,d candidates%n",
        distinct, mode, (System.nanoTime() - started) / 1e9, candidates);
  }
}

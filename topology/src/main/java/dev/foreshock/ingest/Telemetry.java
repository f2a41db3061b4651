package dev.foreshock.ingest;

import dev.foreshock.avro.ChangeEvent;
import dev.foreshock.avro.ConnectionEvent;
import dev.foreshock.avro.MemorySample;
import dev.foreshock.avro.RequestStats;
import dev.foreshock.avro.ServiceDependencies;
import org.apache.kafka.streams.kstream.KStream;

/**
 * The validated telemetry streams that detectors read; record timestamps are event time ({@code ts}).
 * Keys are as produced (contract: the target, resource, service, target and service).
 */
public record Telemetry(
    KStream<String, ConnectionEvent> connections,
    KStream<String, MemorySample> memory,
    KStream<String, RequestStats> requests,
    KStream<String, ChangeEvent> changes,
    KStream<String, ServiceDependencies> dependencies) {}

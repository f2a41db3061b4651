package dev.foreshock.correlate;

import dev.foreshock.detect.CandidateSignal;

/**
 * Everything the single correlation task reads, merged into one stream after each part was
 * repartitioned to one partition. Never serialized: it exists only between the merge and the
 * correlator of one sub-topology.
 */
sealed interface CorrelationInput {

  record Signal(CandidateSignal signal) implements CorrelationInput {}

  /** The stream time detector task {@code source} has reached (see {@link SignalSource}). */
  record Clock(String source, long ts) implements CorrelationInput {}

  record Change(ChangeRecord change) implements CorrelationInput {}

  record Learned(DependencyEdge edge) implements CorrelationInput {}

  record Declared(DeclaredDependencies dependencies) implements CorrelationInput {}
}

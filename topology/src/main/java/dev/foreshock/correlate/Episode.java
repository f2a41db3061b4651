package dev.foreshock.correlate;

import dev.foreshock.avro.Severity;
import java.util.Map;

/**
 * The open episode of one (type, subject), as kept in the {@code candidate-episodes} store.
 *
 * @param id the candidate id, stable for the episode
 * @param openedTs event time the episode opened
 * @param severity the severity last emitted
 * @param lastEmittedTs event time of the last record written for this episode
 * @param evidence the evidence last emitted
 */
public record Episode(String id, long openedTs, Severity severity, long lastEmittedTs, Map<String, Double> evidence) {}

package dev.foreshock.correlate;

/**
 * A dependency learned from connection events: {@code from} talks to or is part of {@code to}
 * (a service's pool connects to a target; an instance belongs to a service), seen at {@code ts}.
 */
public record DependencyEdge(String from, String to, long ts) {}

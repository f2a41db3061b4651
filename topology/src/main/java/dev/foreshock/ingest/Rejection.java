package dev.foreshock.ingest;

import dev.foreshock.metrics.RejectReason;

/** Why a record was not accepted: a reason class for metrics and a message for people. */
public record Rejection(RejectReason reason, String message) {}

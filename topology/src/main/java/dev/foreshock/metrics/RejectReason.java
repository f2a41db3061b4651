package dev.foreshock.metrics;

/** Why a telemetry record went to the dead-letter topic. */
public enum RejectReason {
  /** Not the Confluent wire format, not Avro, or an unknown schema id. */
  UNDECODABLE,
  /** Decoded, but breaks a rule of the contract (a required field empty, errors above requests, ...). */
  INVALID,
  /** A string field longer than the allowed length. */
  TOO_LONG,
  /** Event time further ahead of the wall clock than the allowed skew. */
  FUTURE_TIMESTAMP
}

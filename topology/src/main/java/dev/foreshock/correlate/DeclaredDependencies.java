package dev.foreshock.correlate;

import java.util.List;

/** What a service declares on {@code telemetry.dependencies}: the latest list replaces the previous. */
public record DeclaredDependencies(String service, List<String> dependsOn) {

  public DeclaredDependencies {
    dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
  }
}

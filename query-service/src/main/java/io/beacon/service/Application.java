package io.beacon.service;

import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;

/** The Micronaut application: HTTP API over Beacon's Kafka Streams state. */
@OpenAPIDefinition(
    info = @Info(
        title = "Beacon",
        version = "v1",
        description = "Real-time ad recommendations and stats from Kafka Streams state"))
public final class Application {

  private Application() {}

  public static void main(String[] args) {
    Micronaut.run(Application.class, args);
  }
}

package io.beacon.service.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How Beacon's Kafka clients (Kafka Streams, admin, collector, demo) authenticate to the cluster:
 * the {@code kafka.security.*} block, set from {@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_*}
 * and {@code KAFKA_SSL_*}. Empty values are left out, so Kafka's defaults (PLAINTEXT) apply.
 */
@ConfigurationProperties("kafka.security")
public record KafkaSecuritySettings(
    @Nullable String protocol,
    @Nullable String saslMechanism,
    @Nullable String saslJaasConfig,
    @Nullable String sslTruststoreLocation,
    @Nullable String sslTruststorePassword,
    @Nullable String sslKeystoreLocation,
    @Nullable String sslKeystorePassword,
    @Nullable String sslKeyPassword) {

  private static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");

  /**
   * The Kafka client properties.
   *
   * @throws IllegalArgumentException naming the environment variable when a value is wrong or missing
   */
  public Map<String, String> clientProperties() {
    Map<String, String> props = new HashMap<>();
    String protocol = blank(this.protocol) ? "PLAINTEXT" : this.protocol.strip().toUpperCase(Locale.ROOT);
    if (!PROTOCOLS.contains(protocol)) {
      throw new IllegalArgumentException("KAFKA_SECURITY_PROTOCOL (kafka.security.protocol) must be one of "
          + PROTOCOLS + ", was '" + this.protocol + "'");
    }
    props.put("security.protocol", protocol);
    if (protocol.startsWith("SASL_")) {
      if (blank(saslMechanism) || blank(saslJaasConfig)) {
        throw new IllegalArgumentException("KAFKA_SECURITY_PROTOCOL=" + protocol
            + " needs KAFKA_SASL_MECHANISM (e.g. SCRAM-SHA-512) and KAFKA_SASL_JAAS_CONFIG");
      }
    }
    put(props, "sasl.mechanism", saslMechanism);
    put(props, "sasl.jaas.config", saslJaasConfig);
    put(props, "ssl.truststore.location", sslTruststoreLocation);
    put(props, "ssl.truststore.password", sslTruststorePassword);
    put(props, "ssl.keystore.location", sslKeystoreLocation);
    put(props, "ssl.keystore.password", sslKeystorePassword);
    put(props, "ssl.key.password", sslKeyPassword);
    return props;
  }

  private static void put(Map<String, String> props, String key, String value) {
    if (!blank(value)) {
      props.put(key, value);
    }
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}

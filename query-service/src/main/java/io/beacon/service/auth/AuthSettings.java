package io.beacon.service.auth;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

/**
 * The {@code beacon.auth.*} block: where the keys are ({@code BEACON_AUTH_KEYS_FILE}; auth is on
 * whenever it is set), whether running without keys is an error ({@code BEACON_REQUIRE_AUTH}), and
 * whether the collector wants keys too ({@code BEACON_COLLECTOR_REQUIRES_KEY}).
 */
@ConfigurationProperties("beacon.auth")
public record AuthSettings(@Nullable String keysFile, boolean require, boolean collectorRequiresKey) {}

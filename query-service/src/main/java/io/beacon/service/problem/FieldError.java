package io.beacon.service.problem;

import io.micronaut.serde.annotation.Serdeable;

/**
 * One thing wrong with a request: {@code field} names where (a query parameter, or a JSON path such
 * as {@code [3].event_time}) and {@code reason} says what.
 */
@Serdeable
public record FieldError(String field, String reason) {}

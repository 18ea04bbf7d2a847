package io.beacon.service.query;

import io.micronaut.http.HttpStatus;

/** A query that cannot be answered, with the HTTP status and the words that say why. */
final class QueryProblemException extends RuntimeException {

  private final HttpStatus status;
  private final String title;
  private final String parameter;
  private final Integer retryAfterSeconds;

  QueryProblemException(HttpStatus status, String title, String detail, String parameter, Integer retryAfterSeconds) {
    super(detail);
    this.status = status;
    this.title = title;
    this.parameter = parameter;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  HttpStatus status() {
    return status;
  }

  String title() {
    return title;
  }

  /** The query parameter at fault, or null. */
  String parameter() {
    return parameter;
  }

  /** Seconds to wait before retrying, or null when retrying will not help. */
  Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }
}

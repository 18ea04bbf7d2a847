package io.beacon.service.problem;

import io.micronaut.http.HttpStatus;
import java.util.List;

/** A request Beacon will not carry out, with the HTTP status and the words that say why. */
public final class ProblemException extends RuntimeException {

  private final HttpStatus status;
  private final String title;
  private final List<FieldError> errors;
  private final Integer retryAfterSeconds;

  public ProblemException(HttpStatus status, String title, String detail, List<FieldError> errors, Integer retryAfterSeconds) {
    super(detail);
    this.status = status;
    this.title = title;
    this.errors = List.copyOf(errors);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** 400 for one field or parameter. */
  public static ProblemException invalid(String field, String reason) {
    return invalid(List.of(new FieldError(field, reason)));
  }

  /** 400 listing every field error; the detail names the first and how many more. */
  public static ProblemException invalid(List<FieldError> errors) {
    FieldError first = errors.get(0);
    String more = errors.size() > 1 ? " (and " + (errors.size() - 1) + " more errors)" : "";
    return new ProblemException(HttpStatus.BAD_REQUEST, "Invalid request", first.field() + ": " + first.reason() + more, errors, null);
  }

  /** 503 with Retry-After: the request was fine, and may succeed later. */
  public static ProblemException unavailable(String detail, int retryAfterSeconds) {
    return new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "Service unavailable", detail, List.of(), retryAfterSeconds);
  }

  public HttpStatus status() {
    return status;
  }

  public Problem problem() {
    return new Problem(title, status.getCode(), getMessage(), errors);
  }

  /** Seconds to wait before retrying, or null when retrying will not help. */
  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }
}

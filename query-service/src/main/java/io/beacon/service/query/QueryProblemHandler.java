package io.beacon.service.query;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import jakarta.inject.Singleton;
import java.util.List;

/** Writes {@link QueryProblemException} as {@code application/problem+json} (RFC 9457). */
@Singleton
@Produces("application/problem+json")
class QueryProblemHandler implements ExceptionHandler<QueryProblemException, HttpResponse<?>> {

  static final MediaType PROBLEM_JSON = MediaType.of("application/problem+json");

  @Serdeable(naming = SnakeCaseStrategy.class)
  record FieldError(String field, String reason) {}

  @Serdeable(naming = SnakeCaseStrategy.class)
  record Problem(String type, String title, int status, String detail, List<FieldError> errors) {}

  @Override
  public HttpResponse<?> handle(HttpRequest request, QueryProblemException e) {
    List<FieldError> errors = e.parameter() == null ? List.of() : List.of(new FieldError(e.parameter(), e.getMessage()));
    var response = HttpResponse.status(e.status())
        .contentType(PROBLEM_JSON)
        .body(new Problem("about:blank", e.title(), e.status().getCode(), e.getMessage(), errors));
    if (e.retryAfterSeconds() != null) {
      response.header("Retry-After", String.valueOf(e.retryAfterSeconds()));
    }
    return response;
  }
}

package io.beacon.service.problem;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/** Writes a {@link ProblemException} as {@code application/problem+json}, with Retry-After when it helps. */
@Singleton
@Produces(Problem.CONTENT_TYPE)
class ProblemHandler implements ExceptionHandler<ProblemException, HttpResponse<Problem>> {

  @Override
  public HttpResponse<Problem> handle(HttpRequest request, ProblemException e) {
    MutableHttpResponse<Problem> response = HttpResponse.<Problem>status(e.status())
        .contentType(Problem.MEDIA_TYPE)
        .body(e.problem());
    if (e.retryAfterSeconds() != null) {
      response.header("Retry-After", String.valueOf(e.retryAfterSeconds()));
    }
    return response;
  }
}

package io.beacon.service.problem;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.JsonErrorResponseBodyProvider;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * Makes the errors Micronaut answers by itself (unknown path 404, wrong method 405, unsupported
 * media type 415, body too large 413, malformed JSON or a parameter of the wrong type 400) the same
 * {@code application/problem+json} as Beacon's own.
 */
@Singleton
@Replaces(JsonErrorResponseBodyProvider.class)
class ProblemBodyProvider implements JsonErrorResponseBodyProvider<Problem> {

  @Override
  public Problem body(ErrorContext context, HttpResponse<?> response) {
    List<FieldError> errors = response.code() >= 500 ? List.of() : context.getErrors().stream()
        .filter(e -> e.getPath().isPresent())
        // Micronaut names an argument "/body" or "/n"; Beacon's errors name it "body" or "n".
        .map(e -> new FieldError(e.getPath().get().replaceFirst("^/", ""), e.getMessage()))
        .toList();
    // A server error's message names internals; the log has it, the client gets a plain sentence.
    String detail = response.code() >= 500
        ? "Beacon failed to answer this request; the server log has the cause"
        : context.getErrors().stream().map(Error::getMessage).findFirst().orElse(response.reason());
    return new Problem(response.reason(), response.code(), detail, errors);
  }

  @Override
  public String contentType() {
    return Problem.CONTENT_TYPE;
  }
}

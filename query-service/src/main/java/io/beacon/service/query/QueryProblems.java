package io.beacon.service.query;

import io.beacon.streams.query.QueryResult;
import io.micronaut.http.HttpStatus;

/** Turns facade results and bad parameters into the HTTP problems the API documents. */
final class QueryProblems {

  /** Seconds a client should wait before asking again when state is not queryable yet. */
  static final int RETRY_AFTER_SECONDS = 1;

  private QueryProblems() {}

  static QueryProblemException badParameter(String parameter, String reason) {
    return new QueryProblemException(HttpStatus.BAD_REQUEST, "Invalid parameter", parameter + ": " + reason, parameter, null);
  }

  /**
   * The answer, or the problem for its absence: 404 when there is nothing to find, 503 with
   * Retry-After when the state is not queryable yet. "Not ready" never becomes "not found".
   */
  static <T> T answer(QueryResult<T> result) {
    if (result instanceof QueryResult.Found<T> found) {
      return found.value();
    }
    if (result instanceof QueryResult.NotFound<T> notFound) {
      throw new QueryProblemException(HttpStatus.NOT_FOUND, "Not found", notFound.reason(), null, null);
    }
    if (result instanceof QueryResult.NotReady<T> notReady) {
      throw new QueryProblemException(HttpStatus.SERVICE_UNAVAILABLE, "Not ready", notReady.reason(), null, RETRY_AFTER_SECONDS);
    }
    QueryResult.Elsewhere<T> elsewhere = (QueryResult.Elsewhere<T>) result;
    // A single instance owns every partition; several instances route before asking (issue 3).
    throw new QueryProblemException(HttpStatus.SERVICE_UNAVAILABLE, "Not ready",
        "the key is owned by " + elsewhere.host() + ":" + elsewhere.port() + " and this instance does not forward", null, RETRY_AFTER_SECONDS);
  }
}

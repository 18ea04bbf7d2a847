package io.beacon.service.query;

import io.beacon.service.problem.ProblemException;
import io.beacon.streams.query.QueryResult;
import io.micronaut.http.HttpStatus;
import java.util.List;

/** Turns facade results into the HTTP problems the API documents. */
public final class QueryProblems {

  /** Seconds a client should wait before asking again when state is not queryable yet. */
  public static final int RETRY_AFTER_SECONDS = 1;

  private QueryProblems() {}

  /**
   * The answer, or the problem for its absence: 404 when there is nothing to find, 503 with
   * Retry-After when the state is not queryable yet. "Not ready" never becomes "not found".
   */
  public static <T> T answer(QueryResult<T> result) {
    if (result instanceof QueryResult.Found<T> found) {
      return found.value();
    }
    if (result instanceof QueryResult.NotFound<T> notFound) {
      throw new ProblemException(HttpStatus.NOT_FOUND, "Not found", notFound.reason(), List.of(), null);
    }
    if (result instanceof QueryResult.NotReady<T> notReady) {
      throw ProblemException.unavailable(notReady.reason(), RETRY_AFTER_SECONDS);
    }
    QueryResult.Elsewhere<T> elsewhere = (QueryResult.Elsewhere<T>) result;
    // A single instance owns every partition; several instances route before asking (issue 3).
    throw ProblemException.unavailable("the key is owned by " + elsewhere.active()
        + " and this instance does not forward", RETRY_AFTER_SECONDS);
  }
}

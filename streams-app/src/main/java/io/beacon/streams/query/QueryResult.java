package io.beacon.streams.query;

import java.util.List;
import java.util.function.Function;

/**
 * The answer to a query, or why there is none, as a value: "not ready" and "not found" must never
 * look alike, since one means retry and the other means stop asking.
 */
public sealed interface QueryResult<T> {

  /** The answer. */
  record Found<T>(T value) implements QueryResult<T> {}

  /** The thing asked about does not exist here or anywhere; {@code reason} says which. */
  record NotFound<T>(String reason) implements QueryResult<T> {}

  /** The state that would answer is not queryable right now (starting, restoring, rebalancing). */
  record NotReady<T>(String reason) implements QueryResult<T> {}

  /** Other instances hold the key: {@code active} and {@code standbys} as {@code host:port}. */
  record Elsewhere<T>(String active, List<String> standbys) implements QueryResult<T> {}

  default <U> QueryResult<U> map(Function<T, U> f) {
    if (this instanceof Found<T> found) {
      return new Found<>(f.apply(found.value()));
    }
    return retype();
  }

  /** Any non-found result, retyped. */
  @SuppressWarnings("unchecked")
  default <U> QueryResult<U> retype() {
    if (this instanceof Found<T>) {
      throw new IllegalStateException("a found result carries a value of the old type");
    }
    return (QueryResult<U>) this;
  }
}

package io.beacon.service.routing;

import io.beacon.service.problem.ProblemException;
import io.beacon.service.query.QueryProblems;
import io.beacon.streams.BeaconConfig;
import io.beacon.streams.query.BeaconQueries;
import io.beacon.streams.query.ContentNeighbours;
import io.beacon.streams.query.KafkaStreamsStateSource;
import io.beacon.streams.query.Placement;
import io.beacon.streams.query.QueryResult;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.scheduling.TaskExecutors;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Answers a query about one advertiser from wherever its state is: this instance's active copy,
 * the owner's (one forwarded hop), or, while the active copy restores or its instance is gone, a
 * standby copy, whose answer says how far behind it is. Tries for a few seconds, backing off, then
 * answers 503 with Retry-After; never 500 for "not here yet".
 */
@Singleton
public final class AdvertiserRouter {

  private static final long BUDGET_NANOS = 4_000_000_000L;
  private static final long FIRST_BACKOFF_MS = 50;
  private static final long MAX_BACKOFF_MS = 500;

  private final BeaconQueries active;
  private final BeaconQueries anyCopy;
  private final KafkaStreamsStateSource source;
  private final Peers peers;
  private final MeterRegistry metrics;
  private final ExecutorService blocking;

  AdvertiserRouter(BeaconQueries active, KafkaStreamsStateSource source, BeaconConfig config, ContentNeighbours content, Peers peers,
      MeterRegistry metrics, @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
    this.active = active;
    this.anyCopy = new BeaconQueries(source.anyLocalCopy(), config, Clock.systemUTC(), content);
    this.source = source;
    this.peers = peers;
    this.metrics = metrics;
    this.blocking = blocking;
  }

  /**
   * The same answer as {@link #answer}, without holding a thread while it comes: on the calling
   * thread (Netty's event loop) when the answer is local and needs no waiting, which is every query
   * the owner of the advertiser gets, a single instance included; from the owner's answer, asked without
   * blocking, when another instance owns it. Standbys, retries and waiting for a copy to become
   * ready run {@link #answer} on {@code blocking}. The thread switches of a blocking executor cost
   * more than the query itself (BENCHMARKS.md).
   */
  public <T> CompletableFuture<HttpResponse<?>> answerAsync(HttpRequest<?> request, String advertiserId,
      Function<BeaconQueries, QueryResult<T>> query, BiFunction<T, Long, Object> body) {
    if (peers.forwardedMode(request).isPresent()) {
      return CompletableFuture.completedFuture(answer(request, advertiserId, query, body));
    }
    Optional<Placement> placement = source.placement(advertiserId);
    if (placement.isEmpty() || !placement.get().activeHasAddress()) {
      return onBlocking(() -> answer(request, advertiserId, query, body));
    }
    String owner = placement.get().active();
    if (owner.equals(peers.self())) {
      Optional<HttpResponse<?>> local = finalAnswer(query.apply(active), advertiserId, false, body);
      // Otherwise the partition is moving: wait for it.
      return local.isPresent()
          ? CompletableFuture.completedFuture(local.get())
          : onBlocking(() -> answer(request, advertiserId, query, body));
    }
    if (peers.forwardingProblem().isPresent()) {
      return onBlocking(() -> answer(request, advertiserId, query, body)); // which answers 503, naming the setting
    }
    return peers.forward(owner, request, "active").thenCompose(answer -> {
      Optional<HttpResponse<?>> usable = usable(answer, "active");
      // Otherwise the owner did not answer: standbys and retries, which wait.
      return usable.isPresent()
          ? CompletableFuture.completedFuture(usable.get())
          : onBlocking(() -> answer(request, advertiserId, query, body));
    });
  }

  private CompletableFuture<HttpResponse<?>> onBlocking(Supplier<HttpResponse<?>> answer) {
    CompletableFuture<HttpResponse<?>> later = new CompletableFuture<>();
    blocking.execute(() -> {
      try {
        later.complete(answer.get());
      } catch (RuntimeException e) {
        // Completed with the problem itself, not wrapped in a CompletionException, so it maps to its status.
        later.completeExceptionally(e);
      }
    });
    return later;
  }

  /**
   * @param query the question, asked of a facade over the chosen copy
   * @param body the JSON body for an answer and the lag of the copy that gave it
   */
  public <T> HttpResponse<?> answer(HttpRequest<?> request, String advertiserId,
      Function<BeaconQueries, QueryResult<T>> query, BiFunction<T, Long, Object> body) {
    Optional<String> forwarded = peers.forwardedMode(request);
    if (forwarded.isPresent()) {
      // Asked by a peer: answer here or say why not; the peer does the retrying.
      boolean standby = forwarded.get().equals("standby");
      T value = QueryProblems.answer(notFoundIsNotFinal(query.apply(standby ? anyCopy : active), standby));
      long lag = standby ? source.lag(advertiserId) : 0;
      return respond(body.apply(value, lag), lag, standby);
    }
    long deadline = System.nanoTime() + BUDGET_NANOS;
    long backoff = FIRST_BACKOFF_MS;
    String why = "no instance owns the partition of advertiser " + advertiserId + " yet";
    while (true) {
      Optional<Placement> placement = source.placement(advertiserId);
      if (placement.isPresent()) {
        List<String> copies = new ArrayList<>();
        copies.add(placement.get().active());
        copies.addAll(placement.get().standbys());
        for (int i = 0; i < copies.size(); i++) {
          String host = copies.get(i);
          boolean standby = i > 0;
          if (host.equals(peers.self())) {
            QueryResult<T> result = notFoundIsNotFinal(query.apply(standby ? anyCopy : active), standby);
            Optional<HttpResponse<?>> local = finalAnswer(result, advertiserId, standby, body);
            if (local.isPresent()) {
              return local.get();
            }
            why = result instanceof QueryResult.NotReady<T> notReady ? notReady.reason() : why;
          } else if (host.equals(Placement.NO_ADDRESS)) {
            why = "no instance with an address holds its partition: it is moving, or the instance that holds it has no"
                + " address (set BEACON_APPLICATION_SERVER, or a fixed HTTP port, on every instance)";
          } else if (peers.forwardingProblem().isPresent()) {
            // A setting is missing, not an instance: a standby here would answer stale for good.
            metrics.counter("beacon.query.unanswered").increment();
            throw ProblemException.unavailable("advertiser " + advertiserId + "'s state is on instance " + host + ": "
                + peers.forwardingProblem().get(), QueryProblems.RETRY_AFTER_SECONDS);
          } else {
            Optional<MutableHttpResponse<byte[]>> answer = peers.forward(host, request, standby ? "standby" : "active").join();
            Optional<HttpResponse<?>> usable = usable(answer, standby ? "standby" : "active");
            if (usable.isPresent()) {
              return usable.get();
            }
            why = "instance " + host + (answer.isPresent() ? " answered " + answer.get().code()
                : " did not answer (is BEACON_APPLICATION_SERVER there an address this instance can reach?)");
          }
        }
      }
      if (System.nanoTime() + backoff * 1_000_000 > deadline) {
        metrics.counter("beacon.query.unanswered").increment();
        throw ProblemException.unavailable("no copy of advertiser " + advertiserId + "'s state could answer: " + why,
            QueryProblems.RETRY_AFTER_SECONDS);
      }
      sleep(backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }

  /**
   * A local copy's last word: its answer, or the 404 thrown when it has no such advertiser; empty
   * while it cannot tell (not ready, or the partition moved away).
   */
  private <T> Optional<HttpResponse<?>> finalAnswer(QueryResult<T> result, String advertiserId, boolean standby,
      BiFunction<T, Long, Object> body) {
    if (!(result instanceof QueryResult.Found<T> || result instanceof QueryResult.NotFound<T>)) {
      return Optional.empty();
    }
    T value = QueryProblems.answer(result); // throws the 404
    long lag = standby ? source.lag(advertiserId) : 0;
    return Optional.of(respond(body.apply(value, lag), lag, standby));
  }

  /** A peer's answer worth passing back (it answered, and not with a 5xx), counted by copy. */
  private Optional<HttpResponse<?>> usable(Optional<MutableHttpResponse<byte[]>> answer, String copy) {
    if (answer.isEmpty() || answer.get().code() >= 500) {
      return Optional.empty();
    }
    metrics.counter("beacon.query.forwarded", "copy", copy).increment();
    return Optional.of(answer.get());
  }

  /**
   * A standby copy may still be catching up, so its "no such advertiser" is not the last word:
   * the next copy, or a later try, decides.
   */
  private static <T> QueryResult<T> notFoundIsNotFinal(QueryResult<T> result, boolean standby) {
    return standby && result instanceof QueryResult.NotFound<T> notFound
        ? new QueryResult.NotReady<>("the standby copy here has no data of it yet (" + notFound.reason() + ")")
        : result;
  }

  private HttpResponse<?> respond(Object body, long lag, boolean standby) {
    return HttpResponse.ok(body)
        .header(Peers.INSTANCE, peers.self())
        .header(Peers.COPY, standby ? "standby" : "active")
        .header(Peers.LAG, String.valueOf(lag));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ProblemException.unavailable("interrupted while looking for the advertiser's state", QueryProblems.RETRY_AFTER_SECONDS);
    }
  }
}

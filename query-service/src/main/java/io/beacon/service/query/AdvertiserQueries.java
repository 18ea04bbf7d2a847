package io.beacon.service.query;

import io.beacon.service.predict.PredictedCtrRanking;
import io.beacon.service.problem.ProblemException;
import io.beacon.service.routing.AdvertiserRouter;
import io.beacon.streams.BeaconConfig;
import io.beacon.streams.EventRules;
import io.beacon.streams.personal.PersonalReader;
import io.beacon.streams.Resolution;
import io.beacon.streams.query.HistoryDay;
import io.beacon.streams.query.RankingModel;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Checks query parameters and turns them into facade calls, answered wherever the advertiser's
 * state is; shared by the v1 routes and the batch-compatible ones so both give the same answers
 * and the same errors.
 */
@Singleton
class AdvertiserQueries {

  static final int MAX_N = 100;
  static final String PREDICTED_CTR = "predicted-ctr";
  static final int MAX_DAYS = 35;
  /** A stats series longer than this many points is refused: it would be slow and unreadable. */
  static final int MAX_POINTS = 1440;

  private final AdvertiserRouter router;
  private final BeaconConfig config;
  private final Clock clock;
  private final RankingJson rankingJson;
  private final PredictedCtrRanking predictedCtr;

  AdvertiserQueries(AdvertiserRouter router, BeaconConfig config, RankingJson rankingJson, PredictedCtrRanking predictedCtr) {
    this.router = router;
    this.predictedCtr = predictedCtr;
    this.config = config;
    this.rankingJson = rankingJson;
    this.clock = Clock.systemUTC();
  }

  CompletableFuture<HttpResponse<?>> recommendations(HttpRequest<?> request, String advertiserId, String model, String window, int n, String at) {
    return recommendations(request, advertiserId, model, window, n, at, null);
  }

  /**
   * Top products by a counting model in a window, answered where the advertiser's counts are; or,
   * for {@code predicted-ctr}, the advertiser's catalog ranked by predicted CTR in {@code placement}, here.
   */
  CompletableFuture<HttpResponse<?>> recommendations(HttpRequest<?> request, String advertiserId, String model, String window, int n,
      String at, String placement) {
    checkAdvertiser(advertiserId);
    if (model.equals(PREDICTED_CTR)) {
      checkN(n);
      if (placement == null || placement.isBlank()) {
        throw ProblemException.invalid("placement", "is required with model=predicted-ctr: the placement to predict clicks in");
      }
      EventRules.idProblem(placement.strip()).ifPresent(reason -> {
        throw ProblemException.invalid("placement", reason);
      });
      if (at != null) {
        throw ProblemException.invalid("at", "does not apply to model=predicted-ctr, which predicts for now");
      }
      return CompletableFuture.completedFuture(HttpResponse.ok(predictedCtr.rank(advertiserId, placement.strip(), n)));
    }
    if (placement != null) {
      throw ProblemException.invalid("placement", "applies to model=predicted-ctr only; was given with model=" + model);
    }
    RankingModel rankingModel = Arrays.stream(RankingModel.values()).filter(m -> m.id().equals(model)).findFirst()
        .orElseThrow(() -> ProblemException.invalid("model", "must be one of top-products, top-ctr, predicted-ctr; was '" + model + "'"));
    Duration length = window(window);
    if (n < 1 || n > MAX_N) {
      throw ProblemException.invalid("n", "must be between 1 and " + MAX_N + "; was " + n);
    }
    Instant end = end(at);
    return router.answerAsync(request, advertiserId, q -> q.recommendations(advertiserId, rankingModel, length, end, n),
        rankingJson::body);
  }

  CompletableFuture<HttpResponse<?>> personal(HttpRequest<?> request, String advertiserId, String userId, int n, boolean excludeSeen) {
    checkAdvertiser(advertiserId);
    EventRules.idProblem(userId).ifPresent(reason -> {
      throw ProblemException.invalid("user", "user id " + reason);
    });
    checkN(n);
    return router.answerAsync(request, advertiserId, q -> q.personal(advertiserId, userId, n, excludeSeen), Responses.Personal::of);
  }

  CompletableFuture<HttpResponse<?>> related(HttpRequest<?> request, String advertiserId, String productId, int n) {
    checkAdvertiser(advertiserId);
    EventRules.idProblem(productId).ifPresent(reason -> {
      throw ProblemException.invalid("product", "product id " + reason);
    });
    checkN(n);
    return router.answerAsync(request, advertiserId, q -> q.related(advertiserId, productId, n),
        (List<PersonalReader.Related> items, Long lag) -> Responses.Related.of(advertiserId, productId, items, lag));
  }

  private static void checkN(int n) {
    if (n < 1 || n > MAX_N) {
      throw ProblemException.invalid("n", "must be between 1 and " + MAX_N + "; was " + n);
    }
  }

  /** A whole-number query value, or a problem naming it. */
  static int whole(String name, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw ProblemException.invalid(name, "must be a whole number; was '" + value + "'");
    }
  }

  HttpResponse<?> stats(HttpRequest<?> request, String advertiserId, String product, String window, String step, String at) {
    checkAdvertiser(advertiserId);
    if (product != null) {
      EventRules.idProblem(product).ifPresent(reason -> {
        throw ProblemException.invalid("product", "product id " + reason);
      });
    }
    Duration length = window(window);
    String stepName = step == null ? WindowParam.defaultStep(window) : step;
    Duration stepLength = WindowParam.STEPS.get(stepName);
    if (stepLength == null) {
      throw ProblemException.invalid("step", "must be one of " + String.join(", ", WindowParam.STEPS.keySet()) + "; was '" + step + "'");
    }
    if (length.toMillis() % stepLength.toMillis() != 0) {
      throw ProblemException.invalid("step", "window " + window + " is not a whole number of " + stepName + " steps");
    }
    if (length.toMillis() / stepLength.toMillis() > MAX_POINTS) {
      throw ProblemException.invalid("step", window + " in steps of " + stepName + " is more than " + MAX_POINTS + " points; use a longer step");
    }
    Instant end = end(at);
    return router.answer(request, advertiserId, q -> q.stats(advertiserId, product, length, stepLength, end), Responses.Stats::of);
  }

  HttpResponse<?> history(HttpRequest<?> request, String advertiserId, int days, int n) {
    checkAdvertiser(advertiserId);
    if (days < 1 || days > MAX_DAYS) {
      throw ProblemException.invalid("days", "must be between 1 and " + MAX_DAYS + " (days are kept 35 days); was " + days);
    }
    if (n < 1 || n > MAX_N) {
      throw ProblemException.invalid("n", "must be between 1 and " + MAX_N + "; was " + n);
    }
    return router.answer(request, advertiserId, q -> q.history(advertiserId, days, n),
        (List<HistoryDay> history, Long lag) -> new Responses.History(advertiserId, history.stream().map(Responses.Day::of).toList(), lag));
  }

  private static void checkAdvertiser(String advertiserId) {
    EventRules.idProblem(advertiserId).ifPresent(reason -> {
      throw ProblemException.invalid("adv", "advertiser id " + reason);
    });
  }

  private static Duration window(String window) {
    Duration length = WindowParam.WINDOWS.get(window);
    if (length == null) {
      throw ProblemException.invalid("window", "must be one of " + String.join(", ", WindowParam.WINDOWS.keySet()) + "; was '" + window + "'");
    }
    return length;
  }

  /** The window's end: {@code at} (ISO-8601) or now; never beyond the allowed clock skew. */
  private Instant end(String at) {
    Instant now = clock.instant();
    if (at == null || at.isBlank()) {
      return now;
    }
    Instant end;
    try {
      end = Instant.parse(at);
    } catch (DateTimeParseException e) {
      throw ProblemException.invalid("at", "must be an ISO-8601 UTC time such as 2026-11-22T10:00:00Z; was '" + at + "'");
    }
    if (end.isAfter(now.plus(config.maxClockSkew()))) {
      throw ProblemException.invalid("at", "is in the future (" + at + ")");
    }
    if (end.isBefore(now.minusMillis(Resolution.longestRetentionMs()))) {
      throw ProblemException.invalid("at", "is older than " + Resolution.longestRetentionMs() / 86_400_000L
          + " days, the longest time counts are kept (" + at + ")");
    }
    return end;
  }
}

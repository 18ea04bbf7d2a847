package io.beacon.streams.query;

import io.beacon.avro.Advertiser;
import io.beacon.streams.BeaconConfig;
import io.beacon.streams.Counts;
import io.beacon.streams.RejectReason;
import io.beacon.streams.Resolution;
import io.beacon.streams.counting.CountKeys;
import io.beacon.streams.counting.EventCountingProcessor;
import io.beacon.streams.personal.PersonalReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The typed questions Beacon answers from its stores: rankings, stats series, daily history and
 * totals. Takes and returns no HTTP types; failures are values ({@link QueryResult}).
 */
public final class BeaconQueries {

  /** Rankings kept before they are all dropped: keys of past minutes and counts are never asked again. */
  static final int MAX_KEPT_RANKINGS = 4096;

  private record RankingKey(RankingModel model, int n, WindowPlan plan, ProductSums.Snapshot snapshot) {}

  private final AdvertiserState.Source source;
  private final Ranker ranker;
  private final Clock clock;
  private final long graceMs;
  private final ProductSums productSums;
  private final PersonalReader personalReader;
  private final ContentNeighbours content;
  /** History products, most recent first, whose text neighbours may fill a user's empty slots. */
  static final int SIMILAR_SEEDS = 3;
  /**
   * Rankings already computed, by what they were computed from: a query whose advertiser counts
   * over the window are unchanged gets the same answer without summing products again.
   */
  private final Map<RankingKey, Ranking> rankings = new ConcurrentHashMap<>();

  public BeaconQueries(AdvertiserState.Source source, BeaconConfig config, Clock clock) {
    this(source, config, clock, ContentNeighbours.NONE);
  }

  /** @param content products like a history product by their text, for the slots its co-occurrences leave empty */
  public BeaconQueries(AdvertiserState.Source source, BeaconConfig config, Clock clock, ContentNeighbours content) {
    this.source = source;
    this.content = content;
    this.ranker = new Ranker(config.ctrPriorImpressions(), config.ctrMinImpressions());
    this.clock = clock;
    this.graceMs = config.grace().toMillis();
    this.productSums = new ProductSums(config.maxClockSkew());
    this.personalReader = new PersonalReader(config.personal());
  }

  /**
   * The top {@code n} products of a rolling window of {@code length} that ends with the minute
   * holding {@code end}.
   */
  public QueryResult<Ranking> recommendations(String advertiserId, RankingModel model, Duration length, Instant end, int n) {
    return withState(advertiserId, state -> ranking(state, advertiserId, model, length, end, n));
  }

  private Ranking ranking(AdvertiserState state, String advertiserId, RankingModel model, Duration length, Instant end, int n) {
    long now = clock.millis();
    long windowEnd = WindowPlan.alignedEnd(end.toEpochMilli(), length.toMillis(), now);
    WindowPlan plan = WindowPlan.of(windowEnd - length.toMillis(), windowEnd, Resolution.DAY, now);
    ProductSums.Snapshot snapshot = productSums.snapshot(state, advertiserId, plan, now);
    RankingKey key = new RankingKey(model, n, plan, snapshot);
    Ranking ranking = rankings.get(key);
    if (ranking == null) {
      Map<String, Counts> byProduct = productSums.byProduct(state, snapshot);
      List<RankedItem> items = ranker.rank(model, byProduct, n);
      ranking = new Ranking(advertiserId, model, plan.startInstant(), plan.endInstant(), items,
          ranker.shortfall(model, byProduct, items.size(), n), isFinal(state, plan.end()));
      keep(key, ranking);
    }
    return ranking;
  }

  /**
   * The best {@code n} products for a user: from their history's co-occurrences first ({@code
   * personal}), then products like the user's {@link #SIMILAR_SEEDS} most recent ones by their text
   * ({@code similar}), then the advertiser's most viewed of the last 24 hours ({@code popular}) for
   * the slots still empty, which is every slot for a user without history. With {@code
   * excludeSeen}, none the user viewed or clicked.
   */
  public QueryResult<PersonalRecommendations> personal(String advertiserId, String userId, int n, boolean excludeSeen) {
    return withState(advertiserId, state -> {
      long time = state.streamTime() > 0 ? state.streamTime() : clock.millis();
      PersonalReader.Personal fromHistory = personalReader.recommend(state.userHistories(), state.cooccurrences(), advertiserId,
          userId, time, n, excludeSeen);
      List<PersonalItem> items = new ArrayList<>(n);
      Set<String> taken = new HashSet<>();
      for (PersonalReader.Recommended item : fromHistory.items()) {
        items.add(new PersonalItem(item.productId(), item.score(), PersonalItem.PERSONAL, item.because()));
        taken.add(item.productId());
      }
      // Enough of each fallback to fill every slot whatever the history holds.
      int wanted = n + fromHistory.historySize();
      for (String seed : fromHistory.mostRecentFirst().subList(0, Math.min(SIMILAR_SEEDS, fromHistory.mostRecentFirst().size()))) {
        if (items.size() >= n) {
          break;
        }
        for (ContentNeighbours.Neighbour like : content.of(advertiserId, seed, wanted)) {
          if (items.size() < n && !taken.contains(like.productId()) && !(excludeSeen && fromHistory.seen().contains(like.productId()))) {
            items.add(new PersonalItem(like.productId(), like.score(), PersonalItem.SIMILAR,
                List.of(new PersonalReader.Reason(seed, like.score()))));
            taken.add(like.productId());
          }
        }
      }
      if (items.size() < n) {
        Ranking popular = ranking(state, advertiserId, RankingModel.TOP_PRODUCTS, Duration.ofHours(24), clock.instant(), wanted);
        for (RankedItem item : popular.items()) {
          if (items.size() < n && !taken.contains(item.productId()) && !(excludeSeen && fromHistory.seen().contains(item.productId()))) {
            items.add(new PersonalItem(item.productId(), item.score(), PersonalItem.POPULAR, List.of()));
            taken.add(item.productId());
          }
        }
      }
      return new PersonalRecommendations(advertiserId, userId, fromHistory.historySize(), List.copyOf(items));
    });
  }

  /** The {@code n} products users viewed or clicked together with {@code productId}, most similar first. */
  public QueryResult<List<PersonalReader.Related>> related(String advertiserId, String productId, int n) {
    return withState(advertiserId, state -> personalReader.related(state.cooccurrences(), advertiserId, productId,
        state.streamTime() > 0 ? state.streamTime() : clock.millis(), n));
  }

  /**
   * An advertiser's counts per {@code step} over {@code length}, ending where a window of that
   * length asked to end at {@code end} does ({@link WindowPlan#alignedEnd}); the steps count back
   * from there. {@code length} must be a multiple of {@code step}.
   *
   * @param productId null for all the advertiser's products, else only this product's counts
   */
  public QueryResult<StatsSeries> stats(String advertiserId, String productId, Duration length, Duration step, Instant end) {
    long stepMs = step.toMillis();
    if (stepMs <= 0 || length.toMillis() % stepMs != 0) {
      throw new IllegalArgumentException("window " + length + " is not a multiple of step " + step);
    }
    long now = clock.millis();
    long seriesEnd = WindowPlan.alignedEnd(end.toEpochMilli(), length.toMillis(), now);
    long seriesStart = seriesEnd - length.toMillis();
    WindowPlan plan = WindowPlan.of(seriesStart, seriesEnd, coarsestWithin(stepMs, seriesStart), now);
    return withState(advertiserId, state -> {
      TreeMap<Long, Counts> bySteps = new TreeMap<>();
      for (long t = seriesStart; t < seriesEnd; t += stepMs) {
        bySteps.put(t, Counts.ZERO);
      }
      BiConsumer<Bytes, Counts> addToStep = (key, counts) -> {
        long stepStart = seriesStart + Math.floorDiv(CountKeys.bucketStart(key) - seriesStart, stepMs) * stepMs;
        if (bySteps.containsKey(stepStart)) {
          bySteps.merge(stepStart, counts, Counts::plus);
        }
      };
      for (WindowPlan.Run run : plan.runs()) {
        if (productId == null) {
          state.advertiserBuckets(advertiserId, run.resolution(), run.firstBucket(), run.lastBucket(), addToStep);
        } else {
          // One product: a point lookup per bucket instead of a scan over all products.
          for (long bucket = run.firstBucket(); bucket <= run.lastBucket(); bucket += run.resolution().sizeMs()) {
            Bytes key = CountKeys.product(advertiserId, run.resolution(), bucket, productId);
            Counts counts = state.productCounts().get(key);
            if (counts != null) {
              addToStep.accept(key, counts);
            }
          }
        }
      }
      List<StatsPoint> points = new ArrayList<>();
      bySteps.forEach((t, c) -> points.add(new StatsPoint(Instant.ofEpochMilli(t), c.views(), c.impressions(), c.clicks(), c.ctr())));
      return new StatsSeries(advertiserId, productId, Instant.ofEpochMilli(seriesStart), Instant.ofEpochMilli(seriesEnd), step, points,
          isFinal(state, seriesEnd));
    });
  }

  /** The top {@code n} products and top CTR of each of the last {@code days} UTC days, today last. */
  public QueryResult<List<HistoryDay>> history(String advertiserId, int days, int n) {
    long dayMs = Resolution.DAY.sizeMs();
    long today = Resolution.DAY.bucketStart(clock.millis());
    long first = today - (days - 1L) * dayMs;
    return withState(advertiserId, state -> {
      TreeMap<Long, Map<String, Counts>> byDay = new TreeMap<>();
      for (long t = first; t <= today; t += dayMs) {
        byDay.put(t, new HashMap<>());
      }
      state.productBuckets(advertiserId, Resolution.DAY, first, today,
          (key, counts) -> byDay.get(CountKeys.bucketStart(key)).merge(CountKeys.productId(key), counts, Counts::plus));
      List<HistoryDay> history = new ArrayList<>();
      byDay.forEach((t, products) -> history.add(new HistoryDay(
          LocalDate.ofInstant(Instant.ofEpochMilli(t), ZoneOffset.UTC),
          ranker.rank(RankingModel.TOP_PRODUCTS, products, n),
          ranker.rank(RankingModel.TOP_CTR, products, n))));
      return history;
    });
  }

  /** Accepted and rejected events over the partitions this instance holds. */
  public QueryResult<Totals> localTotals() {
    return readable("event totals", () -> source.localTotals().map(store -> {
      long accepted = 0;
      Map<RejectReason, Long> rejected = new EnumMap<>(RejectReason.class);
      for (RejectReason reason : RejectReason.values()) {
        rejected.put(reason, 0L);
      }
      try (KeyValueIterator<String, Long> all = store.all()) {
        while (all.hasNext()) {
          KeyValue<String, Long> total = all.next();
          if (total.key.equals(EventCountingProcessor.ACCEPTED)) {
            accepted += total.value;
          }
          for (RejectReason reason : RejectReason.values()) {
            if (total.key.equals(EventCountingProcessor.totalKeyFor(reason))) {
              rejected.merge(reason, total.value, Long::sum);
            }
          }
        }
      }
      return new Totals(accepted, rejected);
    }));
  }

  /**
   * The time of the newest counted event of each ACTIVE advertiser whose partition this instance
   * holds, by advertiser id.
   */
  public QueryResult<Map<String, Instant>> latestEventOfActiveAdvertisers() {
    QueryResult<ReadOnlyKeyValueStore<String, Advertiser>> advertisers = source.advertisers();
    if (!(advertisers instanceof QueryResult.Found<ReadOnlyKeyValueStore<String, Advertiser>> table)) {
      return advertisers.retype();
    }
    return readable("counted advertisers", () -> source.localCountedAdvertisers().map(store -> {
      Map<String, Instant> latest = new TreeMap<>();
      try (KeyValueIterator<String, Long> all = store.all()) {
        while (all.hasNext()) {
          KeyValue<String, Long> counted = all.next();
          Advertiser advertiser = table.value().get(counted.key);
          if (advertiser != null && advertiser.getStatus() == io.beacon.avro.AdvertiserStatus.ACTIVE) {
            latest.put(counted.key, Instant.ofEpochMilli(counted.value));
          }
        }
      }
      return latest;
    }));
  }

  /** Advertisers whose status is ACTIVE, from the global table. */
  public QueryResult<Long> activeAdvertisers() {
    return readable("the advertisers table", () -> source.advertisers().map(store -> {
      long active = 0;
      try (KeyValueIterator<String, Advertiser> all = store.all()) {
        while (all.hasNext()) {
          Advertiser advertiser = all.next().value;
          if (advertiser != null && advertiser.getStatus() == io.beacon.avro.AdvertiserStatus.ACTIVE) {
            active++;
          }
        }
      }
      return active;
    }));
  }

  /** Stores can move between opening and reading (a rebalance): that is "not ready", not an error. */
  static <T> QueryResult<T> readable(String what, Supplier<QueryResult<T>> read) {
    try {
      return read.get();
    } catch (InvalidStateStoreException e) {
      return new QueryResult.NotReady<>(what + " moved during the query: " + e.getMessage());
    }
  }

  /** An advertiser by id from the global table, if registered. */
  public QueryResult<Advertiser> advertiser(String advertiserId) {
    QueryResult<ReadOnlyKeyValueStore<String, Advertiser>> store = source.advertisers();
    if (!(store instanceof QueryResult.Found<ReadOnlyKeyValueStore<String, Advertiser>> found)) {
      return store.retype();
    }
    Advertiser advertiser = found.value().get(advertiserId);
    return advertiser == null
        ? new QueryResult.NotFound<>("advertiser " + advertiserId + " is not registered")
        : new QueryResult.Found<>(advertiser);
  }

  private void keep(RankingKey key, Ranking ranking) {
    if (rankings.size() >= MAX_KEPT_RANKINGS) {
      rankings.clear();
    }
    rankings.put(key, ranking);
  }

  private interface StateQuery<T> {
    T run(AdvertiserState state);
  }

  /**
   * Runs a query against the advertiser's stores: not found when the advertiser is neither
   * registered nor has counted events; its answer, empty, when it is registered and has none yet;
   * not ready when the stores move mid-query.
   */
  private <T> QueryResult<T> withState(String advertiserId, StateQuery<T> query) {
    QueryResult<AdvertiserState> state = source.forAdvertiser(advertiserId);
    if (!(state instanceof QueryResult.Found<AdvertiserState> found)) {
      return state.retype();
    }
    try {
      if (found.value().countedAdvertisers().get(advertiserId) == null) {
        QueryResult<Advertiser> registered = advertiser(advertiserId);
        if (!(registered instanceof QueryResult.Found<Advertiser>)) {
          return registered instanceof QueryResult.NotFound<Advertiser>
              ? new QueryResult.NotFound<>("advertiser " + advertiserId + " is not registered and has no counted events")
              : registered.retype();
        }
      }
      return new QueryResult.Found<>(query.run(found.value()));
    } catch (InvalidStateStoreException e) {
      return new QueryResult.NotReady<>("state of advertiser " + advertiserId + " moved during the query: " + e.getMessage());
    }
  }

  /** The coarsest resolution whose buckets fit whole into steps of {@code stepMs} that start at {@code firstStep}. */
  private static Resolution coarsestWithin(long stepMs, long firstStep) {
    Resolution coarsest = Resolution.MINUTE;
    for (Resolution r : Resolution.values()) {
      if (stepMs % r.sizeMs() == 0 && firstStep % r.sizeMs() == 0) {
        coarsest = r;
      }
    }
    return coarsest;
  }

  /**
   * Whether no live event can change a window ending at {@code end} any more: the stream time of
   * the advertiser's partition has passed its end by the grace period, so any event inside it is
   * rejected LATE.
   */
  private boolean isFinal(AdvertiserState state, long end) {
    return state.streamTime() >= end + graceMs;
  }
}

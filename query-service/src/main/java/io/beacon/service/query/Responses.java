package io.beacon.service.query;

import io.beacon.streams.query.HistoryDay;
import io.beacon.streams.query.RankedItem;
import io.beacon.streams.personal.PersonalReader;
import io.beacon.streams.query.PersonalRecommendations;
import io.beacon.streams.query.Ranking;
import io.beacon.streams.query.StatsPoint;
import io.beacon.streams.query.StatsSeries;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * The JSON bodies of the query API; field names follow the Avro schema (snake_case). {@code lag}
 * is how many records the copy of the state that answered was behind: 0 from an up-to-date active
 * copy, more from a standby answering while the active copy is unavailable.
 */
final class Responses {

  private Responses() {}

  @Serdeable(naming = SnakeCaseStrategy.class)
  record Window(Instant start, Instant end) {}

  @Serdeable(naming = SnakeCaseStrategy.class)
  record Item(String productId, double score, long views, long impressions, long clicks, double ctr) {
    static Item of(RankedItem i) {
      return new Item(i.productId(), i.score(), i.views(), i.impressions(), i.clicks(), i.ctr());
    }

    static List<Item> of(List<RankedItem> items) {
      return items.stream().map(Item::of).toList();
    }
  }

  @Serdeable(naming = SnakeCaseStrategy.class)
  record Recommendations(String advertiserId, String model, Window window, @JsonProperty("final") boolean isFinal, List<Item> items,
      @Nullable String note, long lag) {
    static Recommendations of(Ranking r, long lag) {
      return new Recommendations(r.advertiserId(), r.model().id(), new Window(r.start(), r.end()), r.isFinal(), Item.of(r.items()),
          r.note(), lag);
    }
  }

  @Serdeable(naming = SnakeCaseStrategy.class)
  record Reason(String productId, double weight) {}

  @Serdeable(naming = SnakeCaseStrategy.class)
  record PersonalItem(String productId, double score, String source, List<Reason> because) {}

  @Serdeable(naming = SnakeCaseStrategy.class)
  record Personal(String advertiserId, String userId, String model, int historySize, List<PersonalItem> items, long lag) {
    static Personal of(PersonalRecommendations r, long lag) {
      return new Personal(r.advertiserId(), r.userId(), "personal", r.historySize(), r.items().stream()
          .map(i -> new PersonalItem(i.productId(), i.score(), i.source(),
              i.because().stream().map(b -> new Reason(b.productId(), b.weight())).toList()))
          .toList(), lag);
    }
  }

  @Serdeable(naming = SnakeCaseStrategy.class)
  record RelatedItem(String productId, double score, double together) {}

  @Serdeable(naming = SnakeCaseStrategy.class)
  record Related(String advertiserId, String productId, List<RelatedItem> items, long lag) {
    static Related of(String advertiserId, String productId, List<PersonalReader.Related> items, long lag) {
      return new Related(advertiserId, productId,
          items.stream().map(i -> new RelatedItem(i.productId(), i.score(), i.together())).toList(), lag);
    }
  }

  @Serdeable(naming = SnakeCaseStrategy.class)
  record Point(Instant start, long views, long impressions, long clicks, double ctr) {
    static Point of(StatsPoint p) {
      return new Point(p.start(), p.views(), p.impressions(), p.clicks(), p.ctr());
    }
  }

  @Serdeable(naming = SnakeCaseStrategy.class)
  record Stats(String advertiserId, @Nullable String productId, Window window, @JsonProperty("final") boolean isFinal, String step,
      List<Point> points, long lag) {
    static Stats of(StatsSeries s, long lag) {
      return new Stats(s.advertiserId(), s.productId(), new Window(s.start(), s.end()), s.isFinal(), WindowParam.nameOf(s.step()),
          s.points().stream().map(Point::of).toList(), lag);
    }
  }

  @Serdeable(naming = SnakeCaseStrategy.class)
  record Day(LocalDate day, List<Item> topProducts, List<Item> topCtr) {
    static Day of(HistoryDay d) {
      return new Day(d.day(), Item.of(d.topProducts()), Item.of(d.topCtr()));
    }
  }

  @Serdeable(naming = SnakeCaseStrategy.class)
  record History(String advertiserId, List<Day> days, long lag) {}

  @Serdeable(naming = SnakeCaseStrategy.class)
  record Events(long accepted, Map<String, Long> rejected) {}

  /**
   * @param instances instances whose totals are included
   * @param missingInstances instances that hold partitions but did not answer: the totals lack their share
   */
  @Serdeable(naming = SnakeCaseStrategy.class)
  record GlobalStats(Events events, long activeAdvertisers, int instances, String streamsState, Long lag,
      List<String> missingInstances) {}

  /** One instance's share of the totals, as instances exchange them. */
  @Serdeable(naming = SnakeCaseStrategy.class)
  record LocalTotals(String instance, long accepted, Map<String, Long> rejected, String streamsState, long lag) {}
}

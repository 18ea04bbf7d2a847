package io.beacon.streams.query;

import io.beacon.avro.Advertiser;
import io.beacon.avro.Product;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Who and what Beacon knows: advertisers and catalog products, searched by text. Both tables are
 * global, so every instance answers from its own copy. A search scans the table in key order until
 * it has {@code limit} matches: cost grows with the table, which suits catalogs up to about a
 * million products; beyond that a search index would be the right tool.
 */
public final class Directory {

  private final AdvertiserState.Source source;

  public Directory(AdvertiserState.Source source) {
    this.source = source;
  }

  /** Advertisers whose id or name holds every word of {@code query} (case-insensitive), by id. */
  public QueryResult<List<Advertiser>> advertisers(String query, Predicate<String> visible, int limit) {
    Predicate<Advertiser> matches = matcher(query, a -> Stream.of(a.getAdvertiserId(), a.getName()));
    return search(source.advertisers(), "the advertisers table",
        a -> visible.test(a.getAdvertiserId()) && matches.test(a), limit);
  }

  /**
   * Products whose id, title, category or brand holds every word of {@code query}, optionally of
   * one advertiser, by product id.
   */
  public QueryResult<List<Product>> products(String query, String advertiserId, Predicate<String> visible, int limit) {
    Predicate<Product> matches = matcher(query, p -> Stream.of(p.getProductId(), p.getTitle(), p.getCategory(), p.getBrand()));
    return search(source.catalog(), "the catalog",
        p -> (advertiserId == null || advertiserId.equals(p.getAdvertiserId())) && visible.test(p.getAdvertiserId()) && matches.test(p),
        limit);
  }

  private static <T> Predicate<T> matcher(String query, Function<T, Stream<CharSequence>> fields) {
    List<String> words = Arrays.stream(query.toLowerCase(Locale.ROOT).split("\\s+")).filter(w -> !w.isEmpty()).toList();
    return item -> {
      String text = fields.apply(item).filter(Objects::nonNull).map(CharSequence::toString)
          .collect(Collectors.joining(" ")).toLowerCase(Locale.ROOT);
      return words.stream().allMatch(text::contains);
    };
  }

  private static <T> QueryResult<List<T>> search(QueryResult<ReadOnlyKeyValueStore<String, T>> store, String what,
      Predicate<T> keep, int limit) {
    return BeaconQueries.readable(what, () -> store.map(table -> {
      List<T> hits = new ArrayList<>();
      try (KeyValueIterator<String, T> all = table.all()) {
        while (all.hasNext() && hits.size() < limit) {
          T value = all.next().value;
          if (value != null && keep.test(value)) {
            hits.add(value);
          }
        }
      }
      return hits;
    }));
  }
}

package io.beacon.streams.query;

import java.util.List;

/**
 * Products like a given one from their text, of the same advertiser: what fills a user's
 * recommendations after their history's co-occurrences and before the most viewed, so that a
 * product nobody has viewed together with another yet still leads somewhere.
 */
@FunctionalInterface
public interface ContentNeighbours {

  /** A product like the one asked about, and how alike (a text score, not comparable with co-occurrence scores). */
  record Neighbour(String productId, double score) {}

  /** None: recommendations go from the history's co-occurrences straight to the most viewed. */
  ContentNeighbours NONE = (advertiserId, productId, n) -> List.of();

  /** Up to {@code n} products of {@code advertiserId} like {@code productId}, best first; none when it knows none. */
  List<Neighbour> of(String advertiserId, String productId, int n);
}

package io.beacon.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.beacon.streams.query.RankedItem;
import io.beacon.streams.query.Ranker;
import io.beacon.streams.query.RankingModel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RankerTest {

  @Test
  void shouldPullFewImpressionsTowardsTheAdvertisersCtr() {
    Ranker ranker = new Ranker(100, 1);
    // Advertiser CTR: 110 / 1010. A product with 10 impressions and 10 clicks scores
    // (10 + 100 * 0.1089) / 110, well below its raw CTR of 1.0.
    Map<String, Counts> products = Map.of("few", new Counts(0, 10, 10), "many", new Counts(0, 1000, 100));
    List<RankedItem> ranked = ranker.rank(RankingModel.TOP_CTR, products, 10);
    double prior = 110.0 / 1010;
    assertEquals((10 + 100 * prior) / 110, ranked.get(0).score(), 1e-12);
    assertEquals(1.0, ranked.get(0).ctr(), 1e-12);
    assertEquals((100 + 100 * prior) / 1100, ranked.get(1).score(), 1e-12);
  }

  @Test
  void shouldLeaveProductsUnderTheMinimumImpressionsOutOfTopCtr() {
    Ranker ranker = new Ranker(100, 100);
    Map<String, Counts> products = Map.of("one", new Counts(0, 1, 1), "proven", new Counts(0, 2000, 300));
    assertEquals(List.of("proven"), ranker.rank(RankingModel.TOP_CTR, products, 10).stream().map(RankedItem::productId).toList());
  }

  @Test
  void shouldBreakTiesByImpressionsThenProductIdAndCutAtN() {
    Ranker ranker = new Ranker(0, 1);
    Map<String, Counts> products = Map.of(
        "b", new Counts(5, 1, 0), "a", new Counts(5, 1, 0), "c", new Counts(5, 9, 0), "d", new Counts(1, 0, 0), "e", new Counts(0, 3, 0));
    assertEquals(List.of("c", "a", "b"),
        ranker.rank(RankingModel.TOP_PRODUCTS, products, 3).stream().map(RankedItem::productId).toList());
  }
}

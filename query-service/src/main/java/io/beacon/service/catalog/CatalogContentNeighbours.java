package io.beacon.service.catalog;

import io.beacon.streams.query.ContentNeighbours;
import io.beacon.streams.query.QueryResult;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** A user's recommendations' text fallback: a history product's similar products of its advertiser, all fields, the default method. */
@Singleton
public class CatalogContentNeighbours implements ContentNeighbours {

  private final SimilarProducts similar;
  private final CatalogIndexer indexer;
  private final SimilarConfig config;

  CatalogContentNeighbours(SimilarProducts similar, CatalogIndexer indexer, SimilarConfig config) {
    this.similar = similar;
    this.indexer = indexer;
    this.config = config;
  }

  /** None while the index is being built, or for a product it does not hold. */
  @Override
  public List<Neighbour> of(String advertiserId, String productId, int n) {
    if (indexer.notReady().isPresent()) {
      return List.of();
    }
    QueryResult<SimilarProducts.Answer> answer = similar.similar(productId, SimilarProducts.Features.ALL, config.method(),
        Optional.of(Set.of(advertiserId)), Math.min(n, SimilarController.MAX_COUNT));
    return answer instanceof QueryResult.Found<SimilarProducts.Answer> found
        ? found.value().items().stream().map(item -> new Neighbour(item.productId(), item.score())).toList()
        : List.of();
  }
}

package io.beacon.service.catalog;

import io.beacon.service.problem.ProblemException;
import io.beacon.service.query.QueryProblems;
import jakarta.inject.Singleton;

/** Whether the catalog index can answer: a 503 with the build's progress until it has read the catalog topics once. */
@Singleton
public class CatalogReadiness {

  private final CatalogIndexer indexer;

  CatalogReadiness(CatalogIndexer indexer) {
    this.indexer = indexer;
  }

  /** Refuses with 503 and Retry-After while the index is being built. */
  public void requireReady() {
    indexer.notReady().ifPresent(reason -> {
      throw ProblemException.unavailable(reason, QueryProblems.RETRY_AFTER_SECONDS);
    });
  }
}

package io.beacon.service.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import java.time.Duration;

/** The {@code beacon.*} block of {@code application.yml}; the defaults live and are documented there. */
@ConfigurationProperties("beacon")
public record BeaconSettings(
    @Nullable String applicationId,
    @Nullable String topicPrefix,
    @Nullable String stateDir,
    int partitions,
    short replicationFactor,
    @Nullable String processingGuarantee,
    @Nullable Duration grace,
    @Nullable Duration dedupWindow,
    long dedupFilterBytes,
    @Nullable Duration maxClockSkew,
    @Nullable Duration sessionTimeout,
    int streamThreads,
    Ctr ctr,
    RocksDb rocksdb,
    Personal personal,
    Predict predict,
    Text text,
    Similar similar) {

  @ConfigurationProperties("ctr")
  public record Ctr(int priorImpressions, int minImpressions) {}

  @ConfigurationProperties("rocksdb")
  public record RocksDb(long cacheBytes) {}

  @ConfigurationProperties("personal")
  public record Personal(boolean enabled, int historySize, @Nullable Duration historyTtl, @Nullable Duration coVisitWindow, int maxNeighbours,
      @Nullable Duration halfLife, double clickWeight, @Nullable Duration occurrencesFreshFor) {}

  @ConfigurationProperties("predict")
  public record Predict(boolean enabled, @Nullable Duration attributionWindow, int featureBits, double alpha, double beta, double l1,
      double l2, @Nullable Duration publishInterval, int selectionExamples, double threshold, int versionsKept) {}

  @ConfigurationProperties("text")
  public record Text(@Nullable String language) {}

  @ConfigurationProperties("similar")
  public record Similar(@Nullable String method, @Nullable Duration refresh, double titleWeight, double brandWeight,
      double categoryWeight, double descriptionWeight) {}
}

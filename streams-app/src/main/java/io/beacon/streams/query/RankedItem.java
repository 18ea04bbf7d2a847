package io.beacon.streams.query;

/** One product in a ranking, with the raw counts beside its score. */
public record RankedItem(String productId, double score, long views, long impressions, long clicks, double ctr) {}

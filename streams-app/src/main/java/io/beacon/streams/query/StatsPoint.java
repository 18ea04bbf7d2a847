package io.beacon.streams.query;

import java.time.Instant;

/** Counts of one step of a stats series. */
public record StatsPoint(Instant start, long views, long impressions, long clicks, double ctr) {}

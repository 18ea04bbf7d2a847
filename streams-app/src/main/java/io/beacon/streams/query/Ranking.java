package io.beacon.streams.query;

import java.time.Instant;
import java.util.List;

/** The top products of an advertiser in a window, best first. */
public record Ranking(String advertiserId, RankingModel model, Instant start, Instant end, List<RankedItem> items) {}

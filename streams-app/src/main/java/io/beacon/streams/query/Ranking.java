package io.beacon.streams.query;

import java.time.Instant;
import java.util.List;

/**
 * The top products of an advertiser in a window, best first.
 *
 * @param note why there are fewer items than asked for, or null when there are as many
 */
public record Ranking(String advertiserId, RankingModel model, Instant start, Instant end, List<RankedItem> items, String note) {}

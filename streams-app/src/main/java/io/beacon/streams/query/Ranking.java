package io.beacon.streams.query;

import java.time.Instant;
import java.util.List;

/**
 * The top products of an advertiser in a window, best first.
 *
 * @param note why there are fewer items than asked for, or null when there are as many
 * @param isFinal no live event can change the ranking any more (see {@link AdvertiserState#streamTime()})
 */
public record Ranking(String advertiserId, RankingModel model, Instant start, Instant end, List<RankedItem> items, String note,
    boolean isFinal) {}

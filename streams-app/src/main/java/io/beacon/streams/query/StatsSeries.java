package io.beacon.streams.query;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * An advertiser's counts per step over a window, oldest step first, every step present.
 *
 * @param productId null for all the advertiser's products, else the one product counted
 * @param isFinal no live event can change the series any more (see {@link AdvertiserState#streamTime()})
 */
public record StatsSeries(String advertiserId, String productId, Instant start, Instant end, Duration step, List<StatsPoint> points,
    boolean isFinal) {}

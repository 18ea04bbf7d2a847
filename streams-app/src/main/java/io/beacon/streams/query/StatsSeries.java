package io.beacon.streams.query;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** An advertiser's counts per step over a window, oldest step first, every step present. */
public record StatsSeries(String advertiserId, Instant start, Instant end, Duration step, List<StatsPoint> points) {}

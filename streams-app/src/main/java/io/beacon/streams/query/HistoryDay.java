package io.beacon.streams.query;

import java.time.LocalDate;
import java.util.List;

/** One UTC day of an advertiser's history: its top products by views and by smoothed CTR. */
public record HistoryDay(LocalDate day, List<RankedItem> topProducts, List<RankedItem> topCtr) {}

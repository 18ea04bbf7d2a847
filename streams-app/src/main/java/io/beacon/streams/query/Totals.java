package io.beacon.streams.query;

import io.beacon.streams.RejectReason;
import java.util.Map;

/** Events accepted and rejected, by reason, over the partitions this instance holds. */
public record Totals(long accepted, Map<RejectReason, Long> rejected) {}

package io.beacon.bench;

import io.beacon.avro.AdEvent;
import io.beacon.loadgen.Planned;
import io.beacon.streams.BeaconConfig;
import io.beacon.streams.EventRules;
import io.beacon.streams.RejectReason;
import io.beacon.streams.Resolution;
import io.beacon.streams.counting.EventCountingProcessor;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * Per event, in Redis, what Beacon's topology does: the same checks in the same order (valid
 * fields, known and not INACTIVE advertiser, not later than the grace, not a duplicate), then
 * views, impressions or clicks +1 per (advertiser, product) and per advertiser at each resolution,
 * in hashes that expire with Beacon's retentions, and the product's score +1 in the advertiser's
 * sorted set of that event type and bucket, the leaderboards that top-products and top-CTR read.
 *
 * <p>Whether an event is counted depends on the replies of the checks, so a plain pipeline of
 * commands cannot do it, and MULTI cannot branch either. What a Redis user does is a Lua script
 * (EVALSHA, pipelined): it runs atomically inside Redis, so one event costs one command on the
 * wire and a retried event is still counted once. Validation runs in the client, as in any
 * Redis-backed service; it needs no state.
 */
final class RedisSameWork {

  /** Hash of advertiser id to status, written before the events, as Beacon's advertisers table. */
  static final String ADVERTISERS = "advertisers";
  /** Hash of events accepted and rejected by reason, under Beacon's totals keys. */
  static final String TOTALS = "totals";

  private static final String SCRIPT = """
      local adv, product, id, field, t = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
      local status = redis.call('HGET', 'advertisers', adv)
      if not status then
        redis.call('HINCRBY', 'totals', 'rejected.UNKNOWN_ADVERTISER', 1)
        return
      end
      if status == 'INACTIVE' then
        redis.call('HINCRBY', 'totals', 'rejected.INACTIVE_ADVERTISER', 1)
        return
      end
      -- Stream time per advertiser: the latest event time counted, as Beacon's stream time per partition.
      local latest = tonumber(redis.call('HGET', 'latest', adv) or '0')
      if t < latest - GRACE_MS then
        redis.call('HINCRBY', 'totals', 'rejected.LATE', 1)
        return
      end
      if not redis.call('SET', 'seen:' .. adv .. ':' .. id, '1', 'NX', 'EX', DEDUP_SECONDS) then
        redis.call('HINCRBY', 'totals', 'rejected.DUPLICATE', 1)
        return
      end
      if t > latest then
        redis.call('HSET', 'latest', adv, t)
      end
      for _, r in ipairs({RESOLUTIONS}) do
        local bucket = adv .. ':' .. r[1] .. ':' .. (t - t % r[2])
        -- A bucket expires a retention after its start, as Beacon deletes it. The expiry is the same
        -- for every write to the key, so it is set only when an increment creates a field.
        local expires = (t - t % r[2] + r[3]) / 1000
        local keys = {'product:' .. bucket .. ':' .. product, 'advertiser:' .. bucket}
        for _, key in ipairs(keys) do
          if redis.call('HINCRBY', key, field, 1) == 1 then
            redis.call('EXPIREAT', key, expires)
          end
        end
        local top = 'top:' .. bucket .. ':' .. field
        if tonumber(redis.call('ZINCRBY', top, 1, product)) == 1 then
          redis.call('EXPIREAT', top, expires)
        end
      end
      redis.call('HINCRBY', 'totals', 'accepted', 1)
      """;

  private final BeaconConfig config;
  private final String sha;

  /** Loads the script into the server; {@code config} gives the grace and dedup window, Beacon's shipped defaults. */
  RedisSameWork(Jedis jedis, BeaconConfig config) {
    this.config = config;
    StringBuilder resolutions = new StringBuilder();
    for (Resolution r : Resolution.values()) {
      resolutions.append(String.format(Locale.ROOT, "{'%s', %d, %d}, ", r.name().substring(0, 1).toLowerCase(Locale.ROOT),
          r.sizeMs(), r.retentionMs()));
    }
    this.sha = jedis.scriptLoad(SCRIPT
        .replace("GRACE_MS", String.valueOf(config.grace().toMillis()))
        .replace("DEDUP_SECONDS", String.valueOf(config.dedupWindow().toSeconds()))
        .replace("RESOLUTIONS", resolutions));
  }

  /** Writes the advertisers' statuses; outside the timed part, as Beacon's table is loaded before events arrive. */
  static void loadAdvertisers(Jedis jedis, Map<String, String> statuses) {
    jedis.hset(ADVERTISERS, statuses);
  }

  /** Queues the work for one record on {@code pipeline}. */
  void add(Pipeline pipeline, Planned planned, Instant now) {
    AdEvent event = planned.event();
    if (EventRules.problem(planned.key(), event, now, config).isPresent()) {
      pipeline.hincrBy(TOTALS, EventCountingProcessor.totalKeyFor(RejectReason.INVALID), 1);
      return;
    }
    String field = switch (event.getType()) {
      case VIEW -> "views";
      case IMPRESSION -> "impressions";
      case CLICK -> "clicks";
    };
    pipeline.evalsha(sha, 0, event.getAdvertiserId(), event.getProductId(), event.getEventId(), field,
        String.valueOf(event.getEventTime().toEpochMilli()));
  }
}

package io.beacon.bench;

import io.beacon.loadgen.Planned;
import io.beacon.loadgen.TrafficPlan;
import io.beacon.streams.BeaconConfig;
import io.beacon.streams.counting.EventCountingProcessor;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Beacon's per-event work done in Redis instead ({@link RedisSameWork}: a Lua script per event,
 * EVALSHA pipelined from Jedis) beside the cheapest Redis write that keeps a leaderboard: one
 * pipelined ZINCRBY per event. Both read the same records, loadgen's seeded traffic as the
 * {@code processing} command writes it, generated in memory before timing; runs alternate, each
 * on a flushed server. After the last same-work run, what the keys cost and where Redis's time went.
 */
final class RedisBench {

  /**
   * One run: events/s, wall seconds, CPU seconds of the client thread and of the Redis server, and
   * Redis's used_memory before it (flushed, advertisers loaded).
   */
  private record Run(double perSecond, double seconds, double clientCpu, double serverCpu, long memoryBefore) {}

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** The {@code redis} command. */
  static List<Figure> command(Args args, PrintStream out) throws Exception {
    int events = args.positive("--events", 1_000_000);
    int runs = args.positive("--runs", 3);
    int batch = args.positive("--batch", 1000);
    boolean appendOnly = args.flag("--appendonly");
    args.rejectUnread();
    String persistence = appendOnly ? "AOF, fsync every second" : "no persistence";
    try (Workspace dir = Workspace.create();
        RedisServer server = RedisServer.start(dir.resolve("redis"), appendOnly);
        Jedis jedis = server.connect()) {
      long started = System.nanoTime();
      TrafficInMemory traffic = TrafficInMemory.of(TrafficPlan.ending(Instant.now(), 7, events, 50, 100, false));
      out.printf(Locale.ROOT, "bench: generated %,d records in %.1f s%n", traffic.records().size(), (System.nanoTime() - started) / 1e9);
      out.printf("bench: redis, %s, pipeline batches of %d, %d runs each%n", persistence, batch, runs);
      RedisBench bench = new RedisBench(jedis, traffic, batch, out);
      // Beacon's shipped grace, dedup window and clock skew; the bootstrap address is never used.
      RedisSameWork sameWork = new RedisSameWork(jedis, BeaconConfig.defaults("unused:9092"));
      List<Double> zincrby = new ArrayList<>();
      List<Double> same = new ArrayList<>();
      Run last = null;
      for (int i = 0; i < runs; i++) {
        zincrby.add(bench.measure("ZINCRBY", (pipeline, record) ->
            pipeline.zincrby("top:" + record.event().getAdvertiserId() + ":views", 1, record.event().getProductId())).perSecond());
        Instant now = Instant.now();
        last = bench.measure("same work", (pipeline, record) -> sameWork.add(pipeline, record, now));
        same.add(last.perSecond());
        bench.checkTotals();
      }
      bench.describeLastRun(last.memoryBefore());
      return List.of(Figure.versus("the same work in Redis (Jedis, EVALSHA per event, pipelined), " + persistence + ", events/s",
          new Sample(same), "pipelined ZINCRBY alone, ops/s", new Sample(zincrby), "report the ratio; explain it"));
    }
  }

  private final Jedis jedis;
  private final TrafficInMemory traffic;
  private final int batch;
  private final PrintStream out;

  private RedisBench(Jedis jedis, TrafficInMemory traffic, int batch, PrintStream out) {
    this.jedis = jedis;
    this.traffic = traffic;
    this.batch = batch;
    this.out = out;
  }

  /** One run on a flushed server: {@code work} queues each record's commands, replies are read every batch. */
  private Run measure(String name, BiConsumer<Pipeline, Planned> work) throws InterruptedException {
    jedis.flushAll();
    // A rewrite of the append-only file left over from the last run would share the CPU with this one.
    while (RedisInfo.rewritingAppendOnlyFile(jedis)) {
      Thread.sleep(100);
    }
    RedisSameWork.loadAdvertisers(jedis, traffic.advertisers());
    jedis.configResetStat();
    long memoryBefore = RedisInfo.usedMemory(jedis);
    double serverCpuBefore = RedisInfo.cpuSeconds(jedis);
    long clientCpuBefore = THREADS.getCurrentThreadCpuTime();
    long started = System.nanoTime();
    try (Pipeline pipeline = jedis.pipelined()) {
      int queued = 0;
      for (Planned record : traffic.records()) {
        work.accept(pipeline, record);
        if (++queued == batch) {
          failOnError(pipeline.syncAndReturnAll());
          queued = 0;
        }
      }
      failOnError(pipeline.syncAndReturnAll());
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    Run run = new Run(traffic.records().size() / seconds, seconds, (THREADS.getCurrentThreadCpuTime() - clientCpuBefore) / 1e9,
        RedisInfo.cpuSeconds(jedis) - serverCpuBefore, memoryBefore);
    int records = traffic.records().size();
    out.printf(Locale.ROOT, "bench:   %-10s %,9.0f events/s (%,d in %.2f s; CPU: client %.2f s, Redis %.2f s = %.1f µs per event)%n",
        name, run.perSecond(), records, run.seconds(), run.clientCpu(), run.serverCpu(), run.serverCpu() * 1e6 / records);
    return run;
  }

  private static void failOnError(List<Object> replies) {
    for (Object reply : replies) {
      if (reply instanceof JedisDataException e) {
        throw new IllegalStateException("Redis answered an error: " + e.getMessage(), e);
      }
    }
  }

  /** Fails unless Redis counted and rejected exactly what the traffic plan says Beacon must. */
  private void checkTotals() {
    Map<String, Long> expected = new TreeMap<>();
    traffic.outcomes().forEach((outcome, n) -> expected.put(
        outcome.equals(Planned.COUNTED) ? EventCountingProcessor.ACCEPTED : "rejected." + outcome, n));
    Map<String, Long> actual = new TreeMap<>();
    jedis.hgetAll(RedisSameWork.TOTALS).forEach((key, n) -> actual.put(key, Long.parseLong(n)));
    if (!actual.equals(expected)) {
      throw new IllegalStateException("Redis totals " + actual + " differ from the plan's " + expected);
    }
  }

  /** Prints what the last same-work run left in memory and where Redis's time went in it. */
  private void describeLastRun(long emptyMemory) {
    out.println("bench: Redis's time per command in the last same-work run (INFO commandstats):");
    RedisInfo.commandTimes(jedis).forEach(line -> out.println("bench:   " + line));
    long keys = jedis.dbSize();
    long used = RedisInfo.usedMemory(jedis);
    out.printf(Locale.ROOT, "bench: Redis after it: used_memory %,d bytes (%,d before it), %,d keys, %,.0f bytes per key%n",
        used, emptyMemory, keys, (double) (used - emptyMemory) / keys);
    RedisInfo.keysByKind(jedis, 1000).forEach(line -> out.println("bench:   " + line));
  }
}

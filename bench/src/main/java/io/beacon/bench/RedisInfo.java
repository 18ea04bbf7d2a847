package io.beacon.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** What a Redis server says about itself: CPU time, memory, time per command, keys by kind. */
final class RedisInfo {

  private RedisInfo() {}

  /** CPU seconds the server process has used, user and system (forks for AOF rewrites not included). */
  static double cpuSeconds(Jedis jedis) {
    String info = jedis.info("cpu");
    return number(info, "used_cpu_user") + number(info, "used_cpu_sys");
  }

  static long usedMemory(Jedis jedis) {
    return (long) number(jedis.info("memory"), "used_memory");
  }

  static boolean rewritingAppendOnlyFile(Jedis jedis) {
    return number(jedis.info("persistence"), "aof_rewrite_in_progress") != 0;
  }

  /**
   * One line per command since the last CONFIG RESETSTAT, most time first: calls and microseconds
   * per call. Commands a script runs are counted on their own and inside the script's time too.
   * The times are wall-clock inside the server: on a busy machine they include the time its thread
   * waited for a core, so compare them as shares, and the CPU seconds as cost.
   */
  static List<String> commandTimes(Jedis jedis) {
    record Stat(String command, long calls, long usec) {}
    List<Stat> stats = new ArrayList<>();
    // Lines like "cmdstat_hincrby:calls=3,usec=5,usec_per_call=1.67,rejected_calls=0,failed_calls=0".
    for (String line : jedis.info("commandstats").split("\r?\n")) {
      if (line.startsWith("cmdstat_")) {
        Map<String, String> fields = new TreeMap<>();
        for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
          fields.put(field.substring(0, field.indexOf('=')), field.substring(field.indexOf('=') + 1));
        }
        stats.add(new Stat(line.substring("cmdstat_".length(), line.indexOf(':')), Long.parseLong(fields.get("calls")),
            Long.parseLong(fields.get("usec"))));
      }
    }
    stats.sort((a, b) -> Long.compare(b.usec(), a.usec()));
    List<String> lines = new ArrayList<>();
    for (Stat s : stats) {
      lines.add(String.format(Locale.ROOT, "%-10s %,11d calls %6.2f µs/call %7.2f s", s.command(), s.calls(),
          (double) s.usec() / Math.max(1, s.calls()), s.usec() / 1e6));
    }
    return lines;
  }

  /**
   * Keys by kind, the part of their name before the first ':', each with its count and the mean
   * MEMORY USAGE of its first {@code sample} keys (name, value and Redis's overhead per key).
   */
  static List<String> keysByKind(Jedis jedis, int sample) {
    Map<String, Kind> kinds = new TreeMap<>();
    ScanParams params = new ScanParams().count(10_000);
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = jedis.scan(cursor, params);
      for (String key : page.getResult()) {
        Kind kind = kinds.computeIfAbsent(key.contains(":") ? key.substring(0, key.indexOf(':')) : key,
            k -> new Kind());
        kind.keys++;
        if (kind.sampled < sample) {
          kind.sampledBytes += jedis.memoryUsage(key);
          kind.sampled++;
        }
      }
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    List<String> lines = new ArrayList<>();
    kinds.forEach((name, kind) -> lines.add(String.format(Locale.ROOT, "%-11s %,10d keys, %,5d bytes each (MEMORY USAGE, mean of %d)",
        name, kind.keys, kind.sampledBytes / kind.sampled, kind.sampled)));
    return lines;
  }

  private static final class Kind {
    long keys;
    long sampledBytes;
    long sampled;
  }

  /** A numeric field of an INFO answer ("name:value" lines). */
  private static double number(String info, String name) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith(name + ":")) {
        return Double.parseDouble(line.substring(name.length() + 1).trim());
      }
    }
    throw new IllegalStateException("no " + name + " in Redis INFO: " + info);
  }
}

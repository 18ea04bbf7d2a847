package io.beacon.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs wrk (HTTP load, Debian package {@code wrk}) and reads its figures. A Lua {@code done} hook
 * prints one machine-readable line, since wrk's own summary has no p99.9.
 */
final class Wrk {

  /** One wrk run: requests per second and latency percentiles in milliseconds. */
  record Result(double requestsPerSecond, double p50Ms, double p99Ms, double p999Ms, long requests, long errors) {

    /** One line for a benchmark's progress output. */
    String summary() {
      return String.format(Locale.ROOT, "%,9.0f req/s  p50 %6.2f  p99 %6.2f  p99.9 %6.2f ms  (%,d requests, %d errors)",
          requestsPerSecond, p50Ms, p99Ms, p999Ms, requests, errors);
    }
  }

  /** The request to send: method, body (or null) and headers. */
  record Request(String method, String body, Map<String, String> headers) {
    static final Request GET = new Request("GET", null, Map.of());
  }

  private static final Pattern RESULT = Pattern.compile(
      "WRK_RESULT requests=(\\d+) duration_us=(\\d+) errors=(\\d+) p50_us=(\\d+) p99_us=(\\d+) p999_us=(\\d+)");

  // Non-2xx answers count as errors: a benchmark of error pages would measure the wrong thing.
  private static final String DONE = """
      done = function(summary, latency, requests)
        local errors = summary.errors.connect + summary.errors.read + summary.errors.write
          + summary.errors.status + summary.errors.timeout
        io.write(string.format("WRK_RESULT requests=%d duration_us=%d errors=%d p50_us=%d p99_us=%d p999_us=%d\\n",
          summary.requests, summary.duration, errors, latency:percentile(50), latency:percentile(99),
          latency:percentile(99.9)))
      end
      """;

  private Wrk() {}

  /** Loads {@code url} with {@code connections} connections over 2 threads (1 for 1 connection) for {@code duration}. */
  static Result run(String url, Request request, int connections, Duration duration, Path workDir)
      throws IOException, InterruptedException {
    return run(url, script(request), connections, duration, workDir);
  }

  /**
   * GETs {@code paths} (path and query) in turn on the server of {@code url}, so the load is spread
   * over several keys instead of one; otherwise as {@link #run(String, Request, int, Duration, Path)}.
   */
  static Result cycle(String url, List<String> paths, int connections, Duration duration, Path workDir)
      throws IOException, InterruptedException {
    StringBuilder lua = new StringBuilder("local paths = {\n");
    paths.forEach(path -> lua.append("  ").append(luaString(path)).append(",\n"));
    // Each request is formatted once per thread in init: a per-request wrk.format would cost wrk
    // CPU that the server, on the same cores, then lacks.
    lua.append("""
        }
        local requests = {}
        local turn = 0
        init = function(args)
          for i, path in ipairs(paths) do
            requests[i] = wrk.format("GET", path)
          end
        end
        request = function()
          turn = turn % #requests + 1
          return requests[turn]
        end
        """).append(DONE);
    return run(url, lua.toString(), connections, duration, workDir);
  }

  private static Result run(String url, String lua, int connections, Duration duration, Path workDir)
      throws IOException, InterruptedException {
    Path script = Files.writeString(Files.createTempFile(workDir, "wrk", ".lua"), lua);
    List<String> command = new ArrayList<>(List.of("wrk", "-t", String.valueOf(Math.min(2, connections)), "-c", String.valueOf(connections),
        "-d", duration.toSeconds() + "s", "--timeout", "5s", "-s", script.toString(), url));
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalStateException("wrk is not installed: apt-get install wrk (./beacon bench installs it)", e);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = process.waitFor();
    Matcher m = RESULT.matcher(output);
    if (exit != 0 || !m.find()) {
      throw new IllegalStateException("wrk failed (exit " + exit + "): " + output);
    }
    long requests = Long.parseLong(m.group(1));
    double seconds = Long.parseLong(m.group(2)) / 1e6;
    return new Result(requests / seconds, Long.parseLong(m.group(4)) / 1e3, Long.parseLong(m.group(5)) / 1e3,
        Long.parseLong(m.group(6)) / 1e3, requests, Long.parseLong(m.group(3)));
  }

  private static String script(Request request) {
    StringBuilder lua = new StringBuilder("wrk.method = \"" + request.method() + "\"\n");
    if (request.body() != null) {
      lua.append("wrk.body = ").append(luaString(request.body())).append('\n');
    }
    request.headers().forEach((name, value) ->
        lua.append("wrk.headers[").append(luaString(name)).append("] = ").append(luaString(value)).append('\n'));
    return lua.append(DONE).toString();
  }

  private static String luaString(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }
}

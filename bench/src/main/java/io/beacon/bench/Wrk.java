package io.beacon.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs wrk (HTTP load, Debian package {@code wrk}) and reads its figures. A Lua {@code done} hook
 * prints one machine-readable line, since wrk's own summary has no p99.9.
 */
final class Wrk {

  /** One wrk run: requests per second and latency percentiles in milliseconds. */
  record Result(double requestsPerSecond, double p50Ms, double p99Ms, double p999Ms, long requests, long errors) {}

  /** The request to send: method, body (or null) and headers. */
  record Request(String method, String body, Map<String, String> headers) {
    static final Request GET = new Request("GET", null, Map.of());
  }

  private static final Pattern RESULT = Pattern.compile(
      "WRK_RESULT requests=(\\d+) duration_us=(\\d+) errors=(\\d+) p50_us=(\\d+) p99_us=(\\d+) p999_us=(\\d+)");

  private Wrk() {}

  /** Loads {@code url} with {@code connections} connections over 2 threads for {@code duration}. */
  static Result run(String url, Request request, int connections, Duration duration, Path workDir)
      throws IOException, InterruptedException {
    Path script = Files.writeString(Files.createTempFile(workDir, "wrk", ".lua"), script(request));
    List<String> command = new ArrayList<>(List.of("wrk", "-t", "2", "-c", String.valueOf(connections),
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
    // Non-2xx answers count as errors: a benchmark of error pages would measure the wrong thing.
    lua.append("""
        done = function(summary, latency, requests)
          local errors = summary.errors.connect + summary.errors.read + summary.errors.write
            + summary.errors.status + summary.errors.timeout
          io.write(string.format("WRK_RESULT requests=%d duration_us=%d errors=%d p50_us=%d p99_us=%d p999_us=%d\\n",
            summary.requests, summary.duration, errors, latency:percentile(50), latency:percentile(99),
            latency:percentile(99.9)))
        end
        """);
    return lua.toString();
  }

  private static String luaString(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }
}

package io.beacon.service.backfill;

import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code beacon backfill FILE --url URL}: loads past events into a running Beacon through {@code
 * POST /v1/backfill}, a batch at a time, with progress on standard error and a summary at the end.
 * Beacon counts each event once however often it is loaded, so a run that stopped halfway is
 * simply run again.
 */
@Command(name = "beacon backfill", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Loads past events into Beacon, each counted once into every bucket still kept for its time (minutes"
        + " 2 days, hours 8 days, days 35 days). FILE holds one JSON event per line, the fields of POST /v1/events, each"
        + " with its event_id and event_time; - reads standard input. Loading the same events again changes no count.")
public final class BackfillCommand implements Callable<Integer> {

  /** Lines a batch holds at most: POST /v1/backfill takes 1000 events. */
  static final int MAX_BATCH = 1000;
  private static final Pattern INDEX = Pattern.compile("^\\[(\\d+)]\\.?");
  private static final int ATTEMPTS = 30;

  @Parameters(index = "0", paramLabel = "FILE", description = "JSON lines, one event each; - for standard input")
  String file;

  @Option(names = "--url", defaultValue = "http://localhost:8080", description = "Beacon's base URL (default ${DEFAULT-VALUE})")
  String url;

  @Option(names = "--api-key", defaultValue = "${env:BEACON_API_KEY}",
      description = "an API key allowed to send the advertisers' events, when Beacon wants one (default: BEACON_API_KEY)")
  String apiKey;

  @Option(names = "--batch", defaultValue = "1000", description = "events per request, 1 to 1000 (default ${DEFAULT-VALUE})")
  int batchSize;

  private final PrintStream out;
  private final PrintStream err;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final JsonMapper json = JsonMapper.createDefault();
  private long written;
  private long refused;
  private long batches;
  private final Map<String, Long> warnings = new TreeMap<>();

  private BackfillCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Runs the command; the exit status: 0 when every event was written, 1 when some were refused, 2 on a usage error. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine command = new CommandLine(new BackfillCommand(out, err));
    command.setOut(new java.io.PrintWriter(out, true));
    command.setErr(new java.io.PrintWriter(err, true));
    command.setExecutionExceptionHandler((e, line, parsed) -> {
      err.println();
      err.println("beacon backfill: " + e.getMessage());
      return 1;
    });
    return command.execute(args);
  }

  @Override
  public Integer call() throws Exception {
    if (batchSize < 1 || batchSize > MAX_BATCH) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--batch must be 1 to " + MAX_BATCH + ", was " + batchSize);
    }
    if (!file.equals("-") && !Files.isReadable(Path.of(file))) {
      throw new CommandLine.ParameterException(new CommandLine(this), "cannot read " + file + ": no such file, or not readable");
    }
    long total = file.equals("-") ? -1 : countLines(Path.of(file));
    try (BufferedReader lines = file.equals("-")
        ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
        : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
      List<Line> batch = new ArrayList<>(batchSize);
      long number = 0;
      for (String text = lines.readLine(); text != null; text = lines.readLine()) {
        number++;
        if (!text.isBlank()) {
          batch.add(new Line(number, text.strip()));
        }
        if (batch.size() == batchSize) {
          send(batch);
          batch.clear();
          progress(number, total);
        }
      }
      if (!batch.isEmpty()) {
        send(batch);
      }
      progress(number, total);
    }
    err.println();
    out.printf("backfill: %,d events written to %s in %,d requests; %,d lines refused%n", written, url, batches, refused);
    warnings.forEach((reason, count) -> out.printf("  %,d events: %s%n", count, reason));
    out.println("Beacon counts each event once: loading these events again changes no count.");
    return refused == 0 ? 0 : 1;
  }

  private record Line(long number, String text) {}

  /** Sends the batch; on a 400, reports the lines it names and sends the rest again. */
  private void send(List<Line> batch) throws IOException, InterruptedException {
    List<Line> pending = new ArrayList<>(batch);
    while (!pending.isEmpty()) {
      HttpResponse<String> answer = post(pending);
      batches++;
      JsonNode body = answer.body().isEmpty() ? null : json.readValue(answer.body(), JsonNode.class);
      if (answer.statusCode() == 202) {
        written += pending.size();
        if (body != null && body.get("warnings") != null) {
          for (JsonNode warning : body.get("warnings").values()) {
            warnings.merge(warning.get("field").getStringValue() + " " + generalised(warning.get("reason").getStringValue()), 1L, Long::sum);
          }
        }
        return;
      }
      List<Line> bad = badLines(body, pending);
      if (answer.statusCode() != 400 || bad.isEmpty()) {
        throw new IllegalStateException("POST " + url + "/v1/backfill answered " + answer.statusCode() + ": " + answer.body());
      }
      pending.removeAll(bad);
      refused += bad.size();
    }
  }

  /** The lines a 400 names (its errors' fields start with the event's index in the batch), each reported. */
  private List<Line> badLines(JsonNode problem, List<Line> sent) {
    List<Line> bad = new ArrayList<>();
    if (problem == null || problem.get("errors") == null) {
      return bad;
    }
    for (JsonNode error : problem.get("errors").values()) {
      String field = error.get("field").getStringValue();
      Matcher index = INDEX.matcher(field);
      if (index.find() && Integer.parseInt(index.group(1)) < sent.size()) {
        Line line = sent.get(Integer.parseInt(index.group(1)));
        if (!bad.contains(line)) {
          bad.add(line);
        }
        err.printf("%nline %d: %s: %s", line.number(), field.substring(index.end()), error.get("reason").getStringValue());
      }
    }
    return bad;
  }

  /** POSTs the lines as one JSON array, again after a pause while Beacon is unreachable, busy or restoring. */
  private HttpResponse<String> post(List<Line> lines) throws IOException, InterruptedException {
    StringBuilder body = new StringBuilder(lines.size() * 200).append('[');
    for (int i = 0; i < lines.size(); i++) {
      body.append(i == 0 ? "" : ",").append(lines.get(i).text());
    }
    body.append(']');
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + "/v1/backfill"))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    if (apiKey != null && !apiKey.isBlank()) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    for (int attempt = 1; ; attempt++) {
      try {
        HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if ((answer.statusCode() != 429 && answer.statusCode() != 503) || attempt == ATTEMPTS) {
          return answer;
        }
      } catch (ConnectException e) {
        // At first it is the URL; once it answered, Beacon restarting, which a resend rides out.
        if (batches == 0 || attempt == ATTEMPTS) {
          throw new IOException("cannot reach Beacon at " + url + ": is it running there? (--url)", e);
        }
      }
      Thread.sleep(Math.min(5_000, 200L * attempt)); // the same ids again: nothing counts twice
    }
  }

  private void progress(long lines, long total) {
    err.print(total > 0 ? String.format("\rbackfill: %,d of %,d lines (%d%%)", lines, total, lines * 100 / total)
        : String.format("\rbackfill: %,d lines", lines));
  }

  /** A warning's reason without the names and times that differ from event to event, for counting alike ones together. */
  private static String generalised(String reason) {
    return reason.replaceAll("advertiser \\S+ ", "advertiser X ").replaceAll("/v1/advertisers/\\S+", "/v1/advertisers/X");
  }

  private static long countLines(Path path) {
    try (var lines = Files.lines(path, StandardCharsets.UTF_8)) {
      return lines.count();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }
}

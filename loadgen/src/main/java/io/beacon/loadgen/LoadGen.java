package io.beacon.loadgen;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** The {@code loadgen} command: generate traffic with known ground truth, and verify Beacon against it. */
public final class LoadGen {

  static final String USAGE = """
      Usage:
        loadgen run    (--kafka HOST:PORT | --http URL) [--url URL] [--events N] [--advertisers N]
                       [--products N] [--seed N] [--rate N] [--truth FILE] [--api-key KEY] [--topic-prefix P]
        loadgen verify --url URL --truth FILE [--api-key KEY] [--timeout SECONDS]

      run     sends a seeded, repeatable stream: views and impressions with Zipf product popularity,
              clicks at a true CTR per product, duplicates, out-of-order and late events, events of
              INACTIVE and unknown advertisers, and (with --kafka) records keyed by the wrong
              advertiser and garbage bytes. Writes the exact expected counts to --truth
              (default truth.json). --url (Beacon's HTTP address) lets it wait until the advertisers
              it registers are visible before sending events.
              --rate caps events per second (default: as fast as possible).
              Defaults: --events 100000 --advertisers 20 --products 50 --seed 1 --topic-prefix beacon.
      verify  waits until Beacon has processed every record, then compares totals, every top-products
              list and every minute of stats with the truth; exits 1 on any difference.
      """;

  private LoadGen() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      out.print(USAGE);
      return 0;
    }
    Map<String, String> options;
    try {
      options = options(args);
    } catch (IllegalArgumentException e) {
      err.println("loadgen: " + e.getMessage());
      err.print(USAGE);
      return 2;
    }
    try {
      return switch (args[0]) {
        case "run" -> generate(options, out, err);
        case "verify" -> verify(options, out, err);
        default -> {
          err.println("loadgen: unknown command '" + args[0] + "'");
          err.print(USAGE);
          yield 2;
        }
      };
    } catch (IllegalArgumentException e) {
      err.println("loadgen: " + e.getMessage());
      return 2;
    } catch (IllegalStateException | java.io.IOException e) {
      err.println("loadgen: " + e.getMessage());
      return 1;
    }
  }

  static int generate(Map<String, String> o, PrintStream out, PrintStream err) throws Exception {
    boolean kafka = o.containsKey("kafka");
    if (kafka == o.containsKey("http")) {
      err.println("loadgen: give exactly one of --kafka HOST:PORT or --http URL");
      return 2;
    }
    TrafficPlan plan = TrafficPlan.ending(Instant.now(), number(o, "seed", 1), (int) number(o, "events", 100_000),
        (int) number(o, "advertisers", 20), (int) number(o, "products", 50), kafka);
    Path truthFile = Path.of(o.getOrDefault("truth", "truth.json"));
    GroundTruth truth = GroundTruth.of(plan);
    long started = System.nanoTime();
    try (Sink sink = kafka ? new KafkaSink(o.get("kafka"), o.getOrDefault("topic-prefix", "beacon."))
        : new HttpSink(o.get("http"), o.get("api-key"))) {
      register(plan, sink, o.get("url"), o.get("api-key"), err);
      Progress progress = new Progress(plan.events(), err);
      Pacer pacer = new Pacer(number(o, "rate", 0));
      long[] primary = {0};
      new TrafficGenerator(plan).generate(planned -> {
        try {
          pacer.tick();
          sink.send(planned);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted after " + truth.sent + " records", e);
        } catch (Exception e) {
          throw new IllegalStateException("sending failed after " + truth.sent + " records: " + e.getMessage(), e);
        }
        truth.record(planned);
        if (planned.outcome().equals(Planned.COUNTED) && planned.event().getType() != io.beacon.avro.EventType.CLICK) {
          progress.update(++primary[0]);
        }
      });
      sink.flush();
      progress.done();
    }
    truth.save(truthFile);
    double seconds = (System.nanoTime() - started) / 1e9;
    out.printf("loadgen: sent %d records in %.1f s (%.0f/s): counted %d, rejected %s, dead-lettered %d; truth in %s%n",
        truth.sent, seconds, truth.sent / seconds, truth.accepted, truth.rejected, truth.dlq, truthFile);
    return 0;
  }

  private static void register(TrafficPlan plan, Sink sink, String url, String apiKey, PrintStream err) throws Exception {
    plan.registerAdvertisers(sink);
    if (url == null) {
      err.println("loadgen: no --url: waiting 5 s for Beacon to read the advertisers");
      Thread.sleep(5_000);
      return;
    }
    // Every advertiser must be known before its first event, or that event is UNKNOWN_ADVERTISER.
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    for (String id : new String[] {plan.activeAdvertiser(plan.advertisers() - 1), plan.inactiveAdvertiser(TrafficPlan.INACTIVE_ADVERTISERS - 1)}) {
      while (true) {
        HttpRequest.Builder get = HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + "/v1/advertisers/" + id)).GET();
        if (apiKey != null) {
          get.header("Authorization", "Bearer " + apiKey);
        }
        int status = -1;
        try {
          status = http.send(get.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
          // not up yet
        }
        if (status == 200) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("advertiser " + id + " not visible at " + url + " within 60 s (last status " + status + ")");
        }
        Thread.sleep(200);
      }
    }
  }

  static int verify(Map<String, String> o, PrintStream out, PrintStream err) throws Exception {
    if (!o.containsKey("url") || !o.containsKey("truth")) {
      err.println("loadgen: verify needs --url and --truth");
      return 2;
    }
    GroundTruth truth = GroundTruth.load(Path.of(o.get("truth")));
    Verifier verifier = new Verifier(o.get("url"), o.get("api-key"));
    verifier.awaitProcessed(truth, Duration.ofSeconds(number(o, "timeout", 300)));
    Verifier.Report report = verifier.verify(truth);
    out.printf("loadgen verify: %d advertisers, %d minute buckets; accepted %d (truth %d); rejected %s (truth %s); dead-lettered (truth) %d; differences %d%n",
        report.advertisersChecked(), report.minutesChecked(), report.accepted(), truth.accepted, report.rejected(), truth.rejected,
        truth.dlq, report.differences().size());
    report.differences().stream().limit(20).forEach(d -> out.println("  " + d));
    return report.differences().isEmpty() ? 0 : 1;
  }

  static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --option value, found '" + args[i] + "'");
      }
      options.put(args[i].substring(2), args[++i]);
    }
    return options;
  }

  private static long number(Map<String, String> options, String name, long fallback) {
    String value = options.get(name);
    try {
      return value == null ? fallback : Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a whole number, was '" + value + "'");
    }
  }

  /** A progress bar on stderr, redrawn at most twice a second. */
  static final class Progress {
    private final long total;
    private final PrintStream err;
    private final long started = System.nanoTime();
    private long lastDraw;

    Progress(long total, PrintStream err) {
      this.total = total;
      this.err = err;
    }

    void update(long done) {
      long now = System.nanoTime();
      if (now - lastDraw > 500_000_000L || done == total) {
        lastDraw = now;
        int width = 30;
        int filled = (int) (width * done / total);
        double rate = done / Math.max(1e-9, (now - started) / 1e9);
        err.printf("\r[%s%s] %3d%% %d/%d events %.0f/s", "#".repeat(filled), " ".repeat(width - filled), 100 * done / total, done, total, rate);
      }
    }

    void done() {
      err.println();
    }
  }
}

package io.beacon.service;

import io.beacon.kafka.embedded.EmbeddedKafkaBroker;
import io.beacon.service.auth.ApiKeys;
import io.beacon.service.backfill.BackfillCommand;
import io.beacon.service.auth.KeysCommand;
import io.beacon.service.demo.DemoTraffic;
import io.beacon.service.eval.EvalCommand;
import io.beacon.streams.BeaconConfig;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.runtime.server.EmbeddedServer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * The {@code beacon} command. {@code beacon start} runs everything in one process: an embedded
 * KRaft broker (unless {@code KAFKA_BOOTSTRAP_SERVERS} names a cluster), the topology and the HTTP
 * API; {@code --demo} adds demo advertisers and live traffic.
 */
public final class Beacon {

  static final String USAGE = """
      Usage: beacon start [--demo] [--port N] [--kafka-port N] [--data-dir DIR]
             beacon keys mint --scope SCOPE [--scope SCOPE ...] [--name NAME]
             beacon backfill FILE [--url URL] [--api-key KEY]   (past events, JSON lines; --help for more)
             beacon eval personal [--interactions FILE.csv]     (measures recommendations; --help for more)

        --demo          create demo advertisers and a catalog, and send live synthetic traffic
        --port N        HTTP port (default 8080, or MICRONAUT_SERVER_PORT)
        --kafka-port N  port of the embedded Kafka broker (default 9092)
        --data-dir DIR  where the embedded broker and the state stores keep data (default ./data)

      With KAFKA_BOOTSTRAP_SERVERS=host:port set, no broker is embedded and that cluster is used.
      """;

  private Beacon() {}

  public static void main(String[] args) {
    String logFormat = System.getenv().getOrDefault("BEACON_LOG_FORMAT", "text");
    if (!logFormat.equals("text") && !logFormat.equals("json")) {
      System.err.println("beacon: BEACON_LOG_FORMAT must be text or json; was '" + logFormat + "'");
      System.exit(2);
    }
    if (args.length > 0 && args[0].equals("keys")) {
      System.exit(KeysCommand.run(List.of(args).subList(1, args.length), System.out, System.err));
    }
    if (args.length > 0 && args[0].equals("backfill")) {
      System.exit(BackfillCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
    }
    if (args.length > 0 && args[0].equals("eval")) {
      System.exit(EvalCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
    }
    StartOptions options;
    try {
      options = StartOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("beacon: " + e.getMessage());
      System.err.print(USAGE);
      System.exit(2);
      return;
    }
    if (options.help()) {
      System.out.print(USAGE);
      return;
    }
    try {
      start(options);
    } catch (RuntimeException e) {
      // Startup problems (port taken, Kafka unreachable, bad configuration) are the user's to fix:
      // say what, without a stack trace; the log above has the detail.
      System.err.println("beacon: cannot start: " + rootMessage(e));
      System.exit(1);
    }
  }

  /** The message written for users: the first configuration or state error in the chain, else the root cause's. */
  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (!(cause instanceof ConfigurationException) && !(cause instanceof IllegalStateException)
        && cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.getMessage();
  }

  private static void start(StartOptions options) {
    Map<String, Object> properties = new HashMap<>();
    String bootstrap = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
    EmbeddedKafkaBroker broker = null;
    if (bootstrap == null || bootstrap.isBlank()) {
      broker = EmbeddedKafkaBroker.start(options.dataDir().resolve("kafka"), options.kafkaPort());
      bootstrap = broker.bootstrapServers();
    }
    properties.put("kafka.bootstrap-servers", bootstrap);
    if (System.getenv("BEACON_STATE_DIR") == null) {
      properties.put("beacon.state-dir", options.dataDir().resolve("state").toString());
    }
    if (options.port() != null) {
      properties.put("micronaut.server.port", options.port());
    }
    ApplicationContext context;
    try {
      // Not Micronaut.run: its own shutdown hook would race ours, and the broker must stop last.
      context = ApplicationContext.builder().mainClass(Application.class).properties(properties).start();
      context.getBean(EmbeddedServer.class).start();
    } catch (RuntimeException e) {
      if (broker != null) {
        broker.close();
      }
      throw e;
    }
    DemoTraffic demo = null;
    if (options.demo()) {
      demo = new DemoTraffic(context.getBean(BeaconConfig.class));
      demo.start();
    }
    Runtime.getRuntime().addShutdownHook(new Thread(shutdown(demo, context, broker), "beacon-shutdown"));
    printUrls(context.getBean(EmbeddedServer.class).getURL().toString(), bootstrap, broker != null, options.demo(),
        context.getBean(ApiKeys.class).enabled());
  }

  /** Stops in reverse order of start: traffic, then the application (Kafka Streams commits), then the broker. */
  private static Runnable shutdown(DemoTraffic demo, ApplicationContext context, EmbeddedKafkaBroker broker) {
    return () -> {
      if (demo != null) {
        demo.close();
      }
      if (context.isRunning()) {
        context.close();
      }
      if (broker != null) {
        broker.close();
      }
    };
  }

  private static void printUrls(String base, String bootstrap, boolean embedded, boolean demo, boolean auth) {
    String example = demo ? DemoTraffic.ADVERTISERS.get(0) : "{advertiser}";
    if ("json".equals(System.getenv("BEACON_LOG_FORMAT"))) {
      // Keep stdout all JSON for log pipelines.
      LoggerFactory.getLogger(Beacon.class).atInfo().addKeyValue("url", base).addKeyValue("kafka", bootstrap)
          .log("Beacon is running at {} (dashboard {}/)", base, base);
      return;
    }
    System.out.printf("""

        Beacon is running.
          Dashboard        %s/
          Kafka            %s%s
          API              %s/v1/advertisers/%s/recommendations?model=top-products&window=1h
          Stats            %s/v1/advertisers/%s/stats?window=1h&step=1m
          Totals           %s/v1/stats
          Swagger UI       %s/swagger-ui/index.html
          Health           %s/health/readiness
          Metrics          %s/prometheus
          Auth             %s
        Press Ctrl-C to stop.
        %n""", base, bootstrap, embedded ? " (embedded)" : "", base, example, base, example, base, base, base, base,
        auth ? "API keys required (BEACON_AUTH_KEYS_FILE)" : "OFF: anyone who can reach this port reads and writes everything");
  }

  /** Parsed command-line options of {@code beacon start}. */
  record StartOptions(boolean help, boolean demo, Integer port, int kafkaPort, Path dataDir) {

    static StartOptions parse(String[] args) {
      if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
        return new StartOptions(true, false, null, 9092, Path.of("data"));
      }
      if (!args[0].equals("start")) {
        throw new IllegalArgumentException("unknown command '" + args[0] + "'");
      }
      boolean demo = false;
      Integer port = null;
      int kafkaPort = 9092;
      Path dataDir = Path.of("data");
      for (int i = 1; i < args.length; i++) {
        switch (args[i]) {
          case "--demo" -> demo = true;
          case "--port" -> port = port(args, ++i, "--port");
          case "--kafka-port" -> kafkaPort = port(args, ++i, "--kafka-port");
          case "--data-dir" -> dataDir = Path.of(value(args, ++i, "--data-dir"));
          case "--help", "-h" -> {
            return new StartOptions(true, false, null, kafkaPort, dataDir);
          }
          default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
        }
      }
      return new StartOptions(false, demo, port, kafkaPort, dataDir.toAbsolutePath());
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return args[i];
    }

    private static int port(String[] args, int i, String option) {
      String value = value(args, i, option);
      try {
        int port = Integer.parseInt(value);
        if (port < 1 || port > 65535) {
          throw new NumberFormatException();
        }
        return port;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + " must be a port number 1-65535, was '" + value + "'");
      }
    }
  }
}

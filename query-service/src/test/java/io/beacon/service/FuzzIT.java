package io.beacon.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.beacon.kafka.embedded.KafkaClusterExtension;
import io.beacon.streams.BeaconTopics;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Generated bad input for every endpoint, from a seed ({@code -Dfuzz.seed}, {@code -Dfuzz.cases}):
 * mutated JSON (wrong types, missing and unknown fields, huge, negative and non-numbers, empty,
 * over-long, control-character and injection strings, truncation, invalid UTF-8), hostile path
 * variables and query parameters. Whatever comes in, the answer is never a 5xx, every 4xx is
 * problem+json, and Kafka holds exactly what the 2xx answers accepted: not one record more.
 */
@Tag("integration")
class FuzzIT {

  @RegisterExtension
  static final KafkaClusterExtension KAFKA = KafkaClusterExtension.withBrokers(1);

  static final long SEED = Long.getLong("fuzz.seed", 7);
  static final int CASES = Integer.getInteger("fuzz.cases", 600);
  static final BeaconTopics TOPICS = new BeaconTopics("beacon.");
  static final List<String> NASTY = List.of(
      "", " ", "x".repeat(129), "x".repeat(5000), "a\u0000b", "tab\there", "line\nbreak", "\u007f", "'; DROP TABLE events;--",
      "<script>alert(1)</script>", "../../etc/passwd", "..%2F..%2F", "%00", "${jndi:ldap://x/a}", "\uD83D\uDE00", "\u202Eevil",
      "null", "NaN", "-Infinity", "1e309", "-1", "0", "9223372036854775808", "view", "CLICK", "2999-01-01T00:00:00Z",
      "1970-01-01T00:00:00Z", "2026-11-23T10:00:00+25:00", "yesterday");
  static final List<String> NASTY_JSON = List.of(
      "null", "true", "false", "0", "-1", "1.5", "1e309", "-1e309", "9223372036854775808", "123456789012345678901234567890",
      "[]", "{}", "[[[]]]", "{\"a\":{}}", "\"\"");
  static final String[] FIELDS = {"event_id", "type", "event_time", "advertiser_id", "product_id", "user_id", "campaign_id", "placement"};

  static BeaconUnderTest beacon;

  @BeforeAll
  static void start() throws Exception {
    beacon = new BeaconUnderTest(KAFKA.bootstrapServers(), java.util.Map.of("beacon.collector.rate-limit-per-second", 100_000));
    beacon.start();
    assertEquals(200, beacon.sendJson("PUT", "/v1/advertisers/fz", "{\"name\": \"Fuzz\", \"status\": \"ACTIVE\"}").statusCode());
  }

  @AfterAll
  static void stop() {
    beacon.close();
  }

  @Test
  void noInputBreaksTheServerOrSlipsIntoKafka() throws Exception {
    long eventsBefore = beacon.recordCount(TOPICS.events());
    long advertisersBefore = beacon.recordCount(TOPICS.advertisers());
    long productsBefore = beacon.recordCount(TOPICS.products());
    long eventsAccepted = 0;
    long advertisersWritten = 0;
    long productsWritten = 0;
    int rejected = 0;
    Random random = new Random(SEED);
    String previous = "";
    for (int i = 0; i < CASES; i++) {
      Case c = generate(random);
      String what = "case " + i + " (seed " + SEED + "): " + c.method + " " + c.path + " " + (c.body == null ? "" : new String(c.body, StandardCharsets.UTF_8));
      HttpResponse<String> response;
      try {
        response = beacon.send(c.method, c.path, c.body == null ? null : "application/json", c.body == null ? new byte[0] : c.body);
      } catch (java.io.IOException e) {
        throw new AssertionError(what + " got no answer: " + e.getMessage() + "; the case before: " + previous, e);
      }
      previous = what + " -> " + response.statusCode() + " " + response.headers().map();
      assertTrue(response.statusCode() < 500, what + " answered " + response.statusCode() + " " + response.body());
      if (response.statusCode() >= 400) {
        rejected++;
        assertEquals("application/problem+json", response.headers().firstValue("content-type").orElse(""), what);
        JsonNode problem = BeaconUnderTest.JSON.readTree(response.body());
        assertEquals(response.statusCode(), problem.get("status").asInt(), what);
      } else if (c.path.startsWith("/v1/events")) {
        eventsAccepted += BeaconUnderTest.JSON.readTree(response.body()).get("accepted").asLong();
      } else if (c.path.startsWith("/px")) {
        eventsAccepted += 1;
      } else if (c.method.equals("PUT") && c.path.startsWith("/v1/advertisers/")) {
        advertisersWritten++;
      } else if (c.method.equals("PUT")) {
        productsWritten++;
      }
    }
    System.out.printf("FuzzIT: %d cases (seed %d), %d refused with 4xx, %d events, %d advertisers and %d products accepted%n",
        CASES, SEED, rejected, eventsAccepted, advertisersWritten, productsWritten);
    assertTrue(rejected > CASES / 2, "most generated input must be refused");
    assertEquals(eventsBefore + eventsAccepted, beacon.recordCount(TOPICS.events()), "events topic holds exactly the accepted events");
    assertEquals(advertisersBefore + advertisersWritten, beacon.recordCount(TOPICS.advertisers()));
    assertEquals(productsBefore + productsWritten, beacon.recordCount(TOPICS.products()));
    assertEquals(200, beacon.get("/v1/stats").statusCode(), "the server keeps serving");
  }

  record Case(String method, String path, byte[] body) {}

  static Case generate(Random r) {
    return switch (r.nextInt(6)) {
      case 0, 1 -> new Case("POST", "/v1/events", eventsBody(r));
      case 2 -> new Case("PUT", "/v1/advertisers/" + pathId(r), objectBody(r, new String[] {"name", "status"},
          new String[] {"\"Shop\"", "\"ACTIVE\""}));
      case 3 -> new Case("PUT", "/v1/products/" + pathId(r), objectBody(r, new String[] {"advertiser_id", "title", "price", "url"},
          new String[] {"\"fz\"", "\"Shoe\"", "12.5", "\"https://x.test/p\""}));
      case 4 -> new Case("GET", query(r), null);
      default -> new Case("GET", "/px?" + parameters(r, new String[] {"adv", "prod", "type", "uid", "eid", "ts", "cid", "pl", "cb", "zzz"}), null);
    };
  }

  static byte[] eventsBody(Random r) {
    int events = r.nextInt(10) == 0 ? 0 : 1 + r.nextInt(3);
    StringBuilder json = new StringBuilder("[");
    for (int e = 0; e < events; e++) {
      json.append(e == 0 ? "" : ",").append(new String(objectBody(r, FIELDS,
          new String[] {"\"fz-" + r.nextInt(1_000_000) + "\"", "\"view\"", "\"2026-11-23T10:00:00Z\"", "\"fz\"", "\"p1\"", "\"u1\"", "\"c1\"", "\"top\""}),
          StandardCharsets.UTF_8));
    }
    json.append("]");
    return mangle(r, json.toString());
  }

  /** A JSON object of the given fields with good values, then broken in one or two places. */
  static byte[] objectBody(Random r, String[] fields, String[] good) {
    List<String> names = new ArrayList<>(List.of(fields));
    List<String> values = new ArrayList<>(List.of(good));
    int mutations = 1 + r.nextInt(2);
    for (int m = 0; m < mutations && !names.isEmpty(); m++) {
      int f = r.nextInt(names.size());
      switch (r.nextInt(4)) {
        case 0 -> values.set(f, NASTY_JSON.get(r.nextInt(NASTY_JSON.size())));
        case 1 -> values.set(f, quote(NASTY.get(r.nextInt(NASTY.size()))));
        case 2 -> {
          names.remove(f);
          values.remove(f);
        }
        default -> {
          names.add(r.nextBoolean() ? "unknown_field" : names.get(f).toUpperCase());
          values.add("1");
        }
      }
    }
    List<String> members = new ArrayList<>();
    for (int f = 0; f < names.size(); f++) {
      members.add("\"" + names.get(f) + "\": " + values.get(f));
    }
    return mangle(r, "{" + String.join(", ", members) + "}");
  }

  /** Sometimes truncates the JSON, wraps it wrongly, or puts bytes in that are not UTF-8. */
  static byte[] mangle(Random r, String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    switch (r.nextInt(8)) {
      case 0 -> {
        return java.util.Arrays.copyOf(bytes, r.nextInt(bytes.length + 1));
      }
      case 1 -> {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = r.nextInt(bytes.length + 1);
        out.write(bytes, 0, at);
        out.write(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF}, 0, 3);
        out.write(bytes, at, bytes.length - at);
        return out.toByteArray();
      }
      case 2 -> {
        return ("{\"events\": " + json + "}").getBytes(StandardCharsets.UTF_8);
      }
      default -> {
        return bytes;
      }
    }
  }

  static String query(Random r) {
    String adv = r.nextInt(3) == 0 ? pathId(r) : "fz";
    return switch (r.nextInt(4)) {
      case 0 -> "/v1/advertisers/" + adv + "/recommendations?" + parameters(r, new String[] {"model", "window", "n", "at", "zzz"});
      case 1 -> "/v1/advertisers/" + adv + "/stats?" + parameters(r, new String[] {"window", "step", "at"});
      case 2 -> "/v1/advertisers/" + adv + "/history?" + parameters(r, new String[] {"days", "n"});
      default -> "/recommendations/" + adv + "/" + (r.nextBoolean() ? "TopCTR" : encode(NASTY.get(r.nextInt(NASTY.size())))) + "?"
          + parameters(r, new String[] {"window", "n"});
    };
  }

  static String parameters(Random r, String[] names) {
    List<String> pairs = new ArrayList<>();
    for (String name : names) {
      if (r.nextInt(3) > 0) {
        String value = r.nextInt(3) == 0 ? NASTY.get(r.nextInt(NASTY.size())) : switch (name) {
          case "adv" -> "fz";
          case "n", "days" -> String.valueOf(r.nextInt(200) - 50);
          case "window" -> List.of("5m", "1h", "7d", "2h", "").get(r.nextInt(5));
          default -> "p" + r.nextInt(5);
        };
        pairs.add(name + "=" + encode(inUrl(value)));
      }
    }
    return String.join("&", pairs);
  }

  static String pathId(Random r) {
    return r.nextBoolean() ? encode(inUrl(NASTY.get(r.nextInt(NASTY.size())))) : "fz-" + r.nextInt(100);
  }

  /**
   * Keeps a request line under the server's 8 KiB limit. Beyond it the server answers 413 and
   * closes the connection (CollectorIT covers that), and a client reusing the connection would
   * fail for reasons of its own.
   */
  static String inUrl(String value) {
    return value.length() > 1000 ? value.substring(0, 1000) : value;
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String quote(String value) {
    StringBuilder quoted = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      if (c == '"' || c == '\\') {
        quoted.append('\\').append(c);
      } else if (c < 0x20) {
        quoted.append(String.format("\\u%04x", (int) c));
      } else {
        quoted.append(c);
      }
    }
    return quoted.append('"').toString();
  }
}

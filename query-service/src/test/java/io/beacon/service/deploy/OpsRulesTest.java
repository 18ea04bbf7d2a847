package io.beacon.service.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert rules and the Grafana dashboard, checked by Prometheus' own promtool (Debian's
 * prometheus package, which .ci/run installs): rules parse, the alert unit tests pass, and every
 * dashboard query parses. BeaconApiIT checks that the metrics they name exist.
 */
public class OpsRulesTest {

  public static final Path ALERTS = DeploymentManifestsTest.ROOT.resolve("ops/prometheus/alerts.yml");
  static final Path DASHBOARD = DeploymentManifestsTest.ROOT.resolve("ops/grafana/beacon.json");

  @Test
  void alertRulesParseAndTheirUnitTestsPass() throws Exception {
    promtool("check", "rules", ALERTS.toString());
    promtool("test", "rules", ALERTS.resolveSibling("alerts.test.yml").toString());
    promtool("check", "config", ALERTS.resolveSibling("prometheus.yml").toString());
  }

  @Test
  void everyDashboardQueryParses(@TempDir Path dir) throws Exception {
    List<String> queries = dashboardQueries();
    assertTrue(queries.size() >= 10, "the dashboard has its panels: " + queries);
    // promtool parses expressions inside rule files: one recording rule per panel query.
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    for (int i = 0; i < queries.size(); i++) {
      rules.append("      - record: dashboard_query_").append(i).append("\n        expr: ")
          .append(new ObjectMapper().writeValueAsString(queries.get(i))).append('\n');
    }
    Path file = Files.writeString(dir.resolve("dashboard-queries.yml"), rules);
    promtool("check", "rules", file.toString());
  }

  /** Every Prometheus query of the Grafana dashboard. */
  public static List<String> dashboardQueries() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    assertEquals("beacon", dashboard.get("uid").asText());
    List<String> queries = new ArrayList<>();
    dashboard.get("panels").forEach(panel -> panel.get("targets").forEach(t -> queries.add(t.get("expr").asText())));
    return queries;
  }

  private static void promtool(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("promtool"));
    command.addAll(List.of(args));
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError("promtool not found: apt-get install prometheus (.ci/run does)", e);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.waitFor(), String.join(" ", command) + " said:\n" + output);
  }
}

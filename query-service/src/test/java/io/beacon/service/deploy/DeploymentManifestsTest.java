package io.beacon.service.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * No cluster and no Docker engine run here, so the deployment files are checked for the facts that
 * break deployments: names, labels and ports agree, probes point at Beacon's health endpoints, the
 * state directory is on the persistent volume, and every environment variable is one Beacon reads.
 */
class DeploymentManifestsTest {

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Set<String> HEALTH_ENDPOINTS = Set.of("/health/readiness", "/health/liveness");
  /** Read by the JVM itself, not by Beacon's configuration. */
  static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");

  @Test
  void kustomizationListsEveryManifestAndKeepsSecretsOutOfGit() throws IOException {
    Map<String, Object> kustomization = one("k8s/kustomization.yaml");
    Set<String> manifests = new TreeSet<>();
    try (Stream<Path> files = Files.list(ROOT.resolve("k8s"))) {
      files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).forEach(manifests::add);
    }
    assertEquals(manifests, new TreeSet<>(list(kustomization.get("resources"))));
    for (Object generator : list(kustomization.get("secretGenerator"))) {
      for (Object file : list(map(generator).get("files"))) {
        assertTrue(file.toString().contains("=secrets/"), "secret files live in k8s/secrets/: " + file);
      }
    }
    assertTrue(Files.readString(ROOT.resolve(".gitignore")).contains("k8s/secrets/"), "k8s/secrets/ must be ignored by git");
  }

  @Test
  void servicesPodsAndBudgetAgreeOnLabelsNamesAndPorts() throws IOException {
    Map<String, Object> statefulSet = one("k8s/statefulset.yaml");
    Map<String, Object> spec = map(statefulSet.get("spec"));
    Map<String, Object> pod = map(spec.get("template"));
    Map<String, Object> podLabels = map(map(pod.get("metadata")).get("labels"));
    assertSubset(map(map(spec.get("selector")).get("matchLabels")), podLabels, "StatefulSet selector");
    Map<String, Object> container = map(list(map(pod.get("spec")).get("containers")).get(0));
    Map<String, Integer> containerPorts = new HashMap<>();
    list(container.get("ports")).forEach(p -> containerPorts.put((String) map(p).get("name"), (Integer) map(p).get("containerPort")));

    String headless = null;
    for (Map<String, Object> service : all("k8s/services.yaml")) {
      Map<String, Object> serviceSpec = map(service.get("spec"));
      assertSubset(map(serviceSpec.get("selector")), podLabels, "selector of Service " + name(service));
      for (Object port : list(serviceSpec.get("ports"))) {
        Object target = map(port).get("targetPort");
        assertTrue(containerPorts.containsKey(target) || containerPorts.containsValue(target),
            "Service " + name(service) + " targets port " + target + ", pods have " + containerPorts);
      }
      if ("None".equals(serviceSpec.get("clusterIP"))) {
        headless = name(service);
      }
    }
    assertEquals(headless, spec.get("serviceName"), "the StatefulSet's serviceName must be the headless Service");
    assertSubset(map(map(map(one("k8s/pdb.yaml").get("spec")).get("selector")).get("matchLabels")), podLabels, "PodDisruptionBudget");

    Map<String, String> env = containerEnv(container);
    String applicationServer = env.get("BEACON_APPLICATION_SERVER");
    assertNotNull(applicationServer, "every instance needs BEACON_APPLICATION_SERVER");
    assertTrue(applicationServer.startsWith("$(POD_NAME)." + headless + "."), applicationServer);
    assertTrue(applicationServer.endsWith(":" + containerPorts.get("http")), applicationServer);
    assertTrue((Integer) map(pod.get("spec")).get("terminationGracePeriodSeconds") > 30,
        "grace period must outlast Kafka Streams' 30 s close");
  }

  @Test
  void probesPointAtHealthEndpointsAndStateIsOnTheVolume() throws IOException {
    Map<String, Object> spec = map(one("k8s/statefulset.yaml").get("spec"));
    Map<String, Object> container = map(list(map(map(spec.get("template")).get("spec")).get("containers")).get(0));
    for (String probe : List.of("readinessProbe", "livenessProbe")) {
      Map<String, Object> httpGet = map(map(container.get(probe)).get("httpGet"));
      assertTrue(HEALTH_ENDPOINTS.contains(httpGet.get("path")), probe + " path " + httpGet.get("path"));
      assertEquals("http", httpGet.get("port"), probe + " port");
    }
    assertEquals("/health/readiness", map(map(container.get("readinessProbe")).get("httpGet")).get("path"),
        "readiness must follow Kafka Streams' state");

    String stateDir = containerEnv(container).get("BEACON_STATE_DIR");
    assertNotNull(stateDir, "BEACON_STATE_DIR must be set");
    Set<String> claims = new HashSet<>();
    list(spec.get("volumeClaimTemplates")).forEach(c -> claims.add(name(map(c))));
    boolean onClaim = list(container.get("volumeMounts")).stream().map(DeploymentManifestsTest::map)
        .anyMatch(m -> claims.contains(m.get("name")) && stateDir.startsWith(m.get("mountPath") + "/"));
    assertTrue(onClaim, "state dir " + stateDir + " must be under a mount of a volumeClaimTemplate " + claims);
  }

  @Test
  void everyEnvironmentVariableIsOneBeaconReads() throws IOException {
    Set<String> known = knownVariables();
    Map<String, Object> spec = map(one("k8s/statefulset.yaml").get("spec"));
    Map<String, Object> container = map(list(map(map(spec.get("template")).get("spec")).get("containers")).get(0));
    Map<String, String> env = containerEnv(container);
    Set<String> helpers = new HashSet<>();
    env.values().forEach(v -> {
      Matcher m = Pattern.compile("\\$\\((\\w+)\\)").matcher(v);
      while (m.find()) {
        helpers.add(m.group(1));
      }
    });
    for (String name : env.keySet()) {
      assertTrue(known.contains(name) || helpers.contains(name), "k8s sets " + name + ", which Beacon does not read");
    }
    for (Map.Entry<String, Object> service : map(one("docker-compose.yml").get("services")).entrySet()) {
      if (service.getKey().startsWith("beacon")) {
        for (String name : map(map(service.getValue()).get("environment")).keySet()) {
          assertTrue(known.contains(name), "compose sets " + name + ", which Beacon does not read");
        }
      }
    }
  }

  @Test
  void composeRunsTwoInstancesThatFindEachOtherWithAuthRequired() throws IOException {
    Map<String, Object> compose = one("docker-compose.yml");
    Map<String, Object> services = map(compose.get("services"));
    List<String> instances = new ArrayList<>();
    for (Map.Entry<String, Object> entry : services.entrySet()) {
      if (entry.getKey().startsWith("beacon")) {
        Map<String, Object> env = map(map(entry.getValue()).get("environment"));
        assertEquals(entry.getKey() + ":8080", env.get("BEACON_APPLICATION_SERVER"));
        assertEquals("true", env.get("BEACON_REQUIRE_AUTH"));
        assertTrue(env.get("KAFKA_BOOTSTRAP_SERVERS").toString().contains("kafka-1:9092"));
        instances.add(entry.getKey() + ":8080");
      }
    }
    assertEquals(2, instances.size());
    assertEquals(3, services.keySet().stream().filter(s -> s.startsWith("kafka")).count());
    Map<String, Object> scrape = map(list(map(one("ops/prometheus/prometheus.yml")).get("scrape_configs")).get(0));
    assertEquals("/prometheus", scrape.get("metrics_path"));
    assertEquals(new TreeSet<>(instances), new TreeSet<>(list(map(list(scrape.get("static_configs")).get(0)).get("targets"))));
    String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
    assertTrue(dockerfile.contains("USER 10001") && dockerfile.contains("curl -fsS http://localhost:8080/health/readiness"), dockerfile);
    // RocksDB's memory grew under glibc's malloc and stayed flat under jemalloc (BENCHMARKS.md).
    assertTrue(dockerfile.contains("libjemalloc2") && dockerfile.contains("ENV LD_PRELOAD=/usr/local/lib/libjemalloc.so.2"),
        "the image runs Beacon with jemalloc: " + dockerfile);
  }

  /** Variables Beacon reads: ${NAME} placeholders in application.yml, properties by Micronaut's env mapping, the launcher's getenv. */
  static Set<String> knownVariables() throws IOException {
    Set<String> known = new HashSet<>(JVM_VARIABLES);
    String yml = Files.readString(ROOT.resolve("query-service/src/main/resources/application.yml"));
    Matcher placeholder = Pattern.compile("\\$\\{(\\w+)").matcher(yml);
    while (placeholder.find()) {
      known.add(placeholder.group(1));
    }
    flatten("", new Yaml().load(yml), known);
    String launcher = Files.readString(ROOT.resolve("query-service/src/main/java/io/beacon/service/Beacon.java"));
    Matcher getenv = Pattern.compile("getenv\\(\"(\\w+)\"\\)").matcher(launcher);
    while (getenv.find()) {
      known.add(getenv.group(1));
    }
    return known;
  }

  private static void flatten(String prefix, Object node, Set<String> names) {
    if (node instanceof Map<?, ?> m) {
      m.forEach((k, v) -> flatten(prefix.isEmpty() ? k.toString() : prefix + "." + k, v, names));
    } else {
      names.add(prefix.toUpperCase().replace('.', '_').replace('-', '_'));
    }
  }

  static Map<String, String> containerEnv(Map<String, Object> container) throws IOException {
    Map<String, String> env = new HashMap<>();
    Map<String, Object> configMap = one("k8s/configmap.yaml");
    for (Object source : list(container.get("envFrom"))) {
      Object ref = map(source).get("configMapRef");
      if (ref != null) {
        assertEquals(name(configMap), map(ref).get("name"), "envFrom names the ConfigMap");
        map(configMap.get("data")).forEach((k, v) -> env.put(k, v.toString()));
      }
    }
    for (Object variable : list(container.get("env"))) {
      Object value = map(variable).get("value");
      env.put((String) map(variable).get("name"), value == null ? "(from " + map(variable).get("valueFrom") + ")" : value.toString());
    }
    return env;
  }

  private static void assertSubset(Map<String, Object> selector, Map<String, Object> labels, String what) {
    selector.forEach((k, v) -> assertEquals(v, labels.get(k), what + " label " + k));
  }

  private static String name(Map<String, Object> resource) {
    return (String) map(resource.get("metadata")).get("name");
  }

  static Map<String, Object> one(String file) throws IOException {
    return new Yaml().load(Files.readString(ROOT.resolve(file)));
  }

  static List<Map<String, Object>> all(String file) throws IOException {
    List<Map<String, Object>> docs = new ArrayList<>();
    new Yaml().loadAll(Files.readString(ROOT.resolve(file))).forEach(d -> docs.add(map(d)));
    return docs;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object o) {
    return o == null ? List.of() : (List<Object>) o;
  }
}

package io.beacon.service;

import static io.beacon.service.AuthIT.call;
import static io.beacon.service.AuthIT.mint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beacon.kafka.embedded.KafkaClusterExtension;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard page in headless Chromium (Debian's chromium and chromium-driver, which .ci/run
 * installs) against Beacon on a real broker with auth on: known events go in, and the page must
 * show exactly them in its tables and chart, refresh without a reload, search the catalog, show a
 * user's recommendations with why and a product's related and similar products, and say so when a
 * key is missing or an advertiser or a user has no data. Saves target/dashboard.png.
 */
@Tag("integration")
class DashboardIT {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @RegisterExtension
  static final KafkaClusterExtension KAFKA = KafkaClusterExtension.withBrokers(1);

  @TempDir static Path dir;
  static String admin;
  static String alpineKey;
  static BeaconUnderTest beacon;
  static ChromeDriver browser;

  @BeforeAll
  static void start() throws Exception {
    assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "this test drives Debian's Chromium: apt-get install chromium chromium-driver (.ci/run does)");
    Path keys = dir.resolve("keys");
    admin = mint(keys, "--scope", "admin", "--name", "ops");
    alpineKey = mint(keys, "--scope", "advertiser:alpine", "--name", "alpine-dashboard");
    beacon = new BeaconUnderTest(KAFKA.bootstrapServers(), Map.of(
        "beacon.auth.keys-file", keys.toString(),
        // Rank by CTR from the first impression, so the small test data fills the top-CTR table.
        "beacon.ctr.min-impressions", 1));
    beacon.start();
    put("/v1/advertisers/alpine", "{\"name\": \"Alpine Gear\", \"status\": \"ACTIVE\"}");
    put("/v1/advertisers/quiet", "{\"name\": \"Quiet Shop\", \"status\": \"ACTIVE\"}");
    put("/v1/products/boot-1", "{\"advertiser_id\": \"alpine\", \"title\": \"Summit Hiking Boot\", \"category\": \"footwear\", \"brand\": \"Crag\"}");
    put("/v1/products/tent-2", "{\"advertiser_id\": \"alpine\", \"title\": \"Ridge Tent\", \"category\": \"camping\", \"brand\": \"Crag\"}");
    put("/v1/products/mug-9", "{\"advertiser_id\": \"quiet\", \"title\": \"Enamel Mug\", \"category\": \"camping\", \"brand\": \"Hush\"}");
    BeaconUnderTest.await("catalog visible", () -> call(beacon, "GET", "/v1/products?q=mug", admin, null).body().contains("mug-9"));
    // boot-1: 7 views, 40 impressions, 4 clicks; tent-2: 3 views, 10 impressions, 1 click.
    send("boot-1", 7, 40, 4);
    send("tent-2", 3, 10, 1);
    BeaconUnderTest.await("65 events counted", () -> {
      String stats = call(beacon, "GET", "/v1/stats", admin, null).body();
      assertEquals(65, BeaconUnderTest.JSON.readTree(stats).at("/events/accepted").asLong(), stats);
      return true;
    });

    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    // The machine's network is closed: without these Chromium keeps trying to reach Google.
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1400,2200", "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium")));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (beacon != null) {
      beacon.close();
    }
  }

  @Test
  void showsAnAdvertisersFiguresLiveSearchesTheCatalogAndExplainsMissingKeysAndData() throws Exception {
    openPage();
    awaitText("overview-state", "An API key is needed for the overview");

    useKey(admin);
    awaitText("accepted-total", "65");
    assertEquals("1", text("instances"));
    assertEquals("0", cellOf("rejected", "DUPLICATE"));
    awaitText("models-state", "no model version yet"); // its impressions have no user: nothing to learn from

    typeInto("advertiser-search", "alp");
    BeaconUnderTest.await("advertiser suggested", () -> script(
        "return [...document.querySelectorAll('#advertiser-options option')].map(o => o.value).join(',')").equals("alpine"));
    submit("advertiser-search", "alpine");
    BeaconUnderTest.await("top products shown", () -> rowTexts("top-products").size() == 2);
    assertEquals(List.of("boot-1 7 40 4 10.00 %", "tent-2 3 10 1 10.00 %"), rowTexts("top-products"));
    assertEquals(2, rowTexts("top-ctr").size());
    assertEquals(List.of(10L, 50L, 5L), chartSums("series-chart", 3), "views, impressions, clicks in the chart");
    String today = Instant.now().truncatedTo(ChronoUnit.DAYS).toString().substring(0, 10);
    assertEquals("boot-1 7 40 4", firstRowOf("#history table[data-day='" + today + "']"));
    assertEquals(7, browser.findElements(By.cssSelector("#history table.day")).size(), "one table per day of the week");

    // Live: new events show without reloading the page.
    send("tent-2", 5, 0, 0);
    BeaconUnderTest.await("tables refreshed", () -> rowTexts("top-products").get(0).startsWith("tent-2 8 "));
    assertEquals(List.of(15L, 50L, 5L), chartSums("series-chart", 3));

    typeInto("catalog-search", "crag boot");
    browser.findElement(By.cssSelector("#catalog-form button")).click();
    BeaconUnderTest.await("catalog results", () -> rowTexts("catalog-results").equals(
        List.of("boot-1 Summit Hiking Boot footwear Crag alpine")));
    browser.findElement(By.cssSelector("#catalog-results tbody tr")).click();
    awaitText("product-totals", "7 views · 40 impressions · 4 clicks · CTR 10.00 %");
    assertEquals(List.of(7L, 40L, 4L), chartSums("product-chart", 3));

    // Personal: u-1 viewed boot-1 and then tent-2, u-2 boot-1 only, so tent-2 is for u-2 because of boot-1.
    sendByUser("u-1", "boot-1");
    sendByUser("u-1", "tent-2");
    sendByUser("u-2", "boot-1");
    BeaconUnderTest.await("boot-1's related products shown", () -> firstRowOf("#related").startsWith("tent-2 "));
    BeaconUnderTest.await("boot-1's similar products shown, with the shared brand",
        () -> firstRowOf("#similar").startsWith("tent-2 Ridge Tent ") && firstRowOf("#similar").endsWith(" crag"));
    submitUser("u-2");
    BeaconUnderTest.await("u-2's recommendations shown", () -> rowTexts("user-recommendations").size() == 1
        && rowTexts("user-recommendations").get(0).matches("tent-2 0\\.\\d{4} personal boot-1 \\(0\\.\\d{4}\\)"));
    awaitText("user-state", "u-2: 1 product in their history");
    submitUser("newcomer");
    awaitText("user-state", "newcomer has no history with alpine yet");
    assertEquals(List.of("boot-1", "tent-2"), rowTexts("user-recommendations").stream().map(row -> row.split(" ")[0]).sorted().toList(),
        "the most viewed of the last 24 hours stand in");
    assertTrue(rowTexts("user-recommendations").stream().allMatch(row -> row.contains(" popular")), rowTexts("user-recommendations").toString());
    submitUser("u-2");

    Path shot = Path.of("target/dashboard.png");
    Files.createDirectories(shot.getParent());
    Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);

    submit("advertiser-search", "quiet"); // registered, no events: answered, and the tables say why they are empty
    awaitText("top-products", "no product has views in this window");
    awaitText("top-ctr", "no product has 1 impression in this window");
    submit("advertiser-search", "nobody");
    awaitText("advertiser-state", "No advertiser nobody: it is not registered and has no counted events.");
  }

  @Test
  void anAdvertiserKeySeesItsOwnAdvertiserAndIsToldTheOverviewNeedsAdmin() throws Exception {
    openPage();
    useKey(alpineKey);
    awaitText("overview-state", "The overview needs an admin API key");
    awaitText("models-state", "The models need a read:all or admin API key");
    BeaconUnderTest.await("only its advertiser suggested", () -> script(
        "return [...document.querySelectorAll('#advertiser-options option')].map(o => o.value).join(',')").equals("alpine"));
    typeInto("catalog-search", "camping");
    browser.findElement(By.cssSelector("#catalog-form button")).click();
    BeaconUnderTest.await("only its products", () -> rowTexts("catalog-results").equals(
        List.of("tent-2 Ridge Tent camping Crag alpine")));
    submit("advertiser-search", "quiet");
    awaitText("advertiser-state", "This API key may not read advertiser quiet");
  }

  /** The page as a first-time visitor sees it (no key remembered), refreshing every second. */
  private static void openPage() {
    browser.get(beacon.baseUrl() + "?refresh=1000");
    script("localStorage.clear()");
    browser.navigate().refresh();
  }

  private static void put(String path, String json) throws Exception {
    assertEquals(200, call(beacon, "PUT", path, admin, json).statusCode(), path);
  }

  private static void send(String product, int views, int impressions, int clicks) throws Exception {
    List<String> events = new ArrayList<>();
    for (String[] typeAndCount : new String[][] {{"view", "" + views}, {"impression", "" + impressions}, {"click", "" + clicks}}) {
      for (int i = 0; i < Integer.parseInt(typeAndCount[1]); i++) {
        events.add("{\"type\": \"" + typeAndCount[0] + "\", \"advertiser_id\": \"alpine\", \"product_id\": \"" + product + "\"}");
      }
    }
    assertEquals(202, call(beacon, "POST", "/v1/events", null, "[" + String.join(",", events) + "]").statusCode());
  }

  /** One view of the product by the user, at alpine. */
  private static void sendByUser(String user, String product) throws Exception {
    assertEquals(202, call(beacon, "POST", "/v1/events", null, "[{\"type\": \"view\", \"advertiser_id\": \"alpine\", "
        + "\"product_id\": \"" + product + "\", \"user_id\": \"" + user + "\"}]").statusCode());
  }

  private static void submitUser(String user) {
    typeInto("user-search", user);
    browser.findElement(By.cssSelector("#user-form button")).click();
  }

  private static void useKey(String key) {
    WebElement field = browser.findElement(By.id("api-key"));
    field.clear();
    field.sendKeys(key);
    browser.findElement(By.cssSelector("#key-form button")).click();
  }

  private static void typeInto(String id, String text) {
    WebElement field = browser.findElement(By.id(id));
    field.clear();
    field.sendKeys(text);
  }

  private static void submit(String id, String text) {
    typeInto(id, text);
    browser.findElement(By.cssSelector("#advertiser-form button")).click();
  }

  // The page replaces its tables every refresh: read them in one script call, never element by element.

  private static String text(String id) {
    return (String) script("return document.getElementById('" + id + "').textContent");
  }

  private static void awaitText(String id, String expected) throws Exception {
    BeaconUnderTest.await("#" + id + " to show '" + expected + "'", () -> text(id).contains(expected));
  }

  private static List<String> rowTexts(String tableId) {
    return rows("#" + tableId);
  }

  private static String firstRowOf(String tableSelector) {
    List<String> rows = rows(tableSelector);
    return rows.isEmpty() ? "" : rows.get(0);
  }

  /** The second cell of the row whose first cell is {@code firstCell}. */
  private static String cellOf(String tableId, String firstCell) {
    return rowTexts(tableId).stream().filter(row -> row.startsWith(firstCell + " ")).map(row -> row.substring(firstCell.length() + 1))
        .findFirst().orElseThrow(() -> new AssertionError("no row " + firstCell + " in #" + tableId));
  }

  /** Each body row of the first table matching the selector, its cells joined by spaces. */
  private static List<String> rows(String tableSelector) {
    Object rows = script("const t = document.querySelector(\"" + tableSelector + "\"); return t ? [...t.tBodies[0].rows]"
        + ".map(tr => [...tr.cells].map(td => td.textContent).join(' ')) : []");
    return ((List<?>) rows).stream().map(String::valueOf).toList();
  }

  /** The sum of each of the first {@code n} datasets the Chart.js chart on this canvas draws. */
  private static List<Long> chartSums(String canvasId, int n) {
    Object sums = script("return Chart.getChart('" + canvasId + "').data.datasets.slice(0, " + n
        + ").map(d => d.data.reduce((a, b) => a + b, 0))");
    return ((List<?>) sums).stream().map(v -> ((Number) v).longValue()).toList();
  }

  private static Object script(String js) {
    return ((JavascriptExecutor) browser).executeScript(js);
  }
}

package io.beacon.loadgen.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogJsonlTest {

  @TempDir
  Path dir;

  @Test
  void shouldReadWhatItWrites() throws Exception {
    List<CatalogProduct> products = SyntheticCatalog.small(3).generate();
    Path file = dir.resolve("catalog.jsonl");
    CatalogJsonl.write(file, products);
    assertEquals(products, CatalogJsonl.read(file));
    assertEquals(products.size(), Files.readAllLines(file).size(), "one product a line");
  }

  @Test
  void shouldKeepUnicodeQuotesAndLineBreaksAndLeaveOutNulls() throws Exception {
    List<CatalogProduct> products = List.of(
        new CatalogProduct("p-ñ1", "tienda-españa", "Sofá de couro “clássico”", "Cojín de algodón, pão de açúcar\n"
            + "e \"promoção\" — 50% 🛋️ ao lado", "Decoração", "Ñandú", "topic-01"),
        new CatalogProduct("p2", "adv-1", "Only a title", null, null, null, null),
        new CatalogProduct("p3", "adv-1", "Tab\there", "", "Casa", null, "topic-02"));
    Path file = dir.resolve("unicode.jsonl");
    CatalogJsonl.write(file, products);
    assertEquals(products, CatalogJsonl.read(file));

    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertEquals(3, lines.size(), "a line break in a description is escaped, not written");
    assertTrue(lines.get(0).contains("Sofá de couro “clássico”") && lines.get(0).contains("🛋️"),
        "non-ASCII text is written as itself: " + lines.get(0));
    assertEquals("{\"id\":\"p2\",\"advertiser_id\":\"adv-1\",\"title\":\"Only a title\"}", lines.get(1));
    assertFalse(lines.get(2).contains("brand") || lines.get(2).contains("null"), lines.get(2));
  }

  @Test
  void shouldReadTheProductApiBodyWithIdIgnoringPriceAndUrlsAndSkippingBlankLines() throws Exception {
    Path file = write("\uFEFF{\"id\": \"boot-1\", \"advertiser_id\": \"alpine\", \"title\": \"Summit Hiking Boot\","
            + " \"category\": \"footwear\", \"brand\": \"Crag\", \"price\": 129.5, \"url\": \"https://shop.example/boot-1\","
            + " \"image_url\": \"https://shop.example/boot-1.jpg\"}",
        "",
        "   ",
        "{\"id\": \"mug-9\", \"advertiser_id\": \"quiet\", \"title\": \"Enamel Mug\", \"description\": null, \"price\": 7,"
            + " \"label\": \"camping\"}");
    assertEquals(List.of(new CatalogProduct("boot-1", "alpine", "Summit Hiking Boot", null, "footwear", "Crag", null),
        new CatalogProduct("mug-9", "quiet", "Enamel Mug", null, null, null, "camping")), CatalogJsonl.read(file));
  }

  @Test
  void shouldNameTheLineAndTheProblemOfABadLine() throws Exception {
    String good = "{\"id\": \"p1\", \"advertiser_id\": \"a\", \"title\": \"T\"}";
    assertMessage("line 3: invalid JSON", write(good, "", "{\"id\": \"p2\", \"advertiser_id\": \"a\", \"title\": "));
    assertMessage("line 2: invalid JSON", write(good, "{\"id\": \"p2\", \"advertiser_id\": \"a\", \"title\": \"T\"} {}"));
    assertMessage("line 1: invalid JSON", write("{\"id\": \"p1\", \"id\": \"p2\", \"advertiser_id\": \"a\", \"title\": \"T\"}"));
    assertMessage("line 2: must be a JSON object, was an array", write(good, "[1, 2]"));
    assertMessage("line 2: missing 'id'", write(good, "{\"advertiser_id\": \"a\", \"title\": \"T\"}"));
    assertMessage("line 2: missing 'advertiser_id'", write(good, "{\"id\": \"p2\", \"title\": \"T\"}"));
    assertMessage("line 2: missing 'title'", write(good, "{\"id\": \"p2\", \"advertiser_id\": \"a\", \"title\": null}"));
    assertMessage("line 2: 'title' must not be blank", write(good, "{\"id\": \"p2\", \"advertiser_id\": \"a\", \"title\": \" \"}"));
    assertMessage("line 2: 'title' must be a string, was a number", write(good, "{\"id\": \"p2\", \"advertiser_id\": \"a\", \"title\": 5}"));
    assertMessage("line 2: 'id' must be a string, was a number", write(good, "{\"id\": 2, \"advertiser_id\": \"a\", \"title\": \"T\"}"));
    assertMessage("line 2: 'label' must be a string, was an object",
        write(good, "{\"id\": \"p2\", \"advertiser_id\": \"a\", \"title\": \"T\", \"label\": {}}"));
    assertMessage("line 2: 'price' must be a number, was a string",
        write(good, "{\"id\": \"p2\", \"advertiser_id\": \"a\", \"title\": \"T\", \"price\": \"cheap\"}"));
    assertMessage("line 2: unknown field 'colour'",
        write(good, "{\"id\": \"p2\", \"advertiser_id\": \"a\", \"title\": \"T\", \"colour\": \"red\"}"));
    assertMessage("line 3: id 'p1' is already the id of line 1", write(good, "", good));
    assertMessage("holds no products", write("", "  "));
  }

  private Path write(String... lines) throws Exception {
    Path file = Files.createTempFile(dir, "catalog", ".jsonl");
    Files.write(file, List.of(lines), StandardCharsets.UTF_8);
    return file;
  }

  private static void assertMessage(String expected, Path file) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CatalogJsonl.read(file));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}

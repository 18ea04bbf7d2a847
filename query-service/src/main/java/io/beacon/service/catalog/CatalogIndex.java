package io.beacon.service.catalog;

import io.beacon.avro.Advertiser;
import io.beacon.avro.AdvertiserStatus;
import io.beacon.avro.Product;
import io.beacon.service.Directories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.ReaderManager;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * The Lucene index of the catalog this instance answers similar products and catalog searches
 * from: one document per product and per advertiser. It is built from the compacted catalog
 * topics at every start ({@link CatalogIndexer}) into a directory of its own, which is emptied
 * first; it has no changelog and is never committed, since the topics are its source of truth.
 *
 * <p>Writes are seen by readers after the next {@link #refresh()}. Products keep their index
 * entry while their advertiser is not ACTIVE; {@link #hiddenAdvertisers} leaves them out at query
 * time, so a status change needs no rewrite of the advertiser's products.
 */
public final class CatalogIndex implements AutoCloseable {

  static final String KEY = "key";
  static final String KIND = "kind";
  static final String PRODUCT_ID = "product_id";
  static final String ADVERTISER_ID = "advertiser_id";
  static final String TITLE = "title";
  static final String DESCRIPTION = "description";
  static final String CATEGORY = "category";
  static final String BRAND = "brand";
  static final String NAME = "name";
  /** The document's id, for ties in ranking. */
  static final String SORT_ID = "sort_id";
  static final String PRODUCT = "product";
  static final String ADVERTISER = "advertiser";

  /** Memory for documents not yet written to a segment; Lucene writes one when it is full. */
  private static final double RAM_BUFFER_MB = 64;

  private final Path path;
  private final FSDirectory directory;
  private final Analyzer analyzer;
  private final IndexWriter writer;
  private final ReaderManager readers;
  /** Advertisers whose products are not shown: every one whose status is not ACTIVE. */
  private final Map<String, Boolean> hidden = new ConcurrentHashMap<>();
  private final AtomicLong hiddenChanges = new AtomicLong();
  private volatile HiddenSnapshot hiddenSnapshot = new HiddenSnapshot(0, Optional.empty());

  private record HiddenSnapshot(long changes, Optional<Query> query) {}

  /** An empty index in {@code path}, which is emptied first. */
  public CatalogIndex(Path path, Analyzer analyzer) {
    this.path = path;
    this.analyzer = analyzer;
    try {
      Directories.deleteRecursively(path);
      Files.createDirectories(path);
      directory = FSDirectory.open(path);
      IndexWriterConfig config = new IndexWriterConfig(analyzer).setRAMBufferSizeMB(RAM_BUFFER_MB)
          .setOpenMode(IndexWriterConfig.OpenMode.CREATE).setCommitOnClose(false);
      writer = new IndexWriter(directory, config);
      readers = new ReaderManager(writer, true, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the catalog index in " + path + ": " + e.getMessage(), e);
    }
  }

  public Analyzer analyzer() {
    return analyzer;
  }

  /** Adds the product, or replaces the one with its id. */
  public void put(Product product) {
    Document doc = new Document();
    String key = key(PRODUCT, product.getProductId());
    doc.add(new StringField(KEY, key, Field.Store.NO));
    doc.add(new StringField(KIND, PRODUCT, Field.Store.NO));
    doc.add(new StringField(PRODUCT_ID, product.getProductId(), Field.Store.YES));
    doc.add(new StringField(ADVERTISER_ID, product.getAdvertiserId(), Field.Store.YES));
    doc.add(new SortedDocValuesField(SORT_ID, new BytesRef(product.getProductId())));
    text(doc, TITLE, product.getTitle());
    text(doc, DESCRIPTION, product.getDescription());
    text(doc, CATEGORY, product.getCategory());
    text(doc, BRAND, product.getBrand());
    update(key, doc);
  }

  /** Adds the advertiser, or replaces the one with its id; its status decides whether its products are shown. */
  public void put(Advertiser advertiser) {
    String id = advertiser.getAdvertiserId();
    Document doc = new Document();
    String key = key(ADVERTISER, id);
    doc.add(new StringField(KEY, key, Field.Store.NO));
    doc.add(new StringField(KIND, ADVERTISER, Field.Store.NO));
    doc.add(new StringField(ADVERTISER_ID, id, Field.Store.YES));
    doc.add(new SortedDocValuesField(SORT_ID, new BytesRef(id)));
    text(doc, NAME, advertiser.getName());
    update(key, doc);
    boolean hide = advertiser.getStatus() != AdvertiserStatus.ACTIVE;
    if (hide ? hidden.put(id, true) == null : hidden.remove(id) != null) {
      hiddenChanges.incrementAndGet();
    }
  }

  public void removeProduct(String productId) {
    delete(key(PRODUCT, productId));
  }

  /** Removes the advertiser; its products, if any remain, are shown again as of an unknown advertiser. */
  public void removeAdvertiser(String advertiserId) {
    delete(key(ADVERTISER, advertiserId));
    if (hidden.remove(advertiserId) != null) {
      hiddenChanges.incrementAndGet();
    }
  }

  /** Makes every write so far visible to readers. */
  public void refresh() {
    try {
      readers.maybeRefreshBlocking();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot refresh the catalog index: " + e.getMessage(), e);
    }
  }

  /** {@code read} applied to a reader of the index as of the last refresh. */
  public <T> T read(Function<DirectoryReader, T> read) {
    DirectoryReader reader;
    try {
      reader = readers.acquire();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the catalog index: " + e.getMessage(), e);
    }
    try {
      return read.apply(reader);
    } finally {
      try {
        readers.release(reader);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot release a catalog index reader: " + e.getMessage(), e);
      }
    }
  }

  /** A query matching the products of advertisers that are not ACTIVE; empty when there are none. */
  Optional<Query> hiddenAdvertisers() {
    HiddenSnapshot snapshot = hiddenSnapshot;
    long changes = hiddenChanges.get();
    if (snapshot.changes() != changes) {
      List<BytesRef> ids = new ArrayList<>(hidden.size());
      hidden.keySet().forEach(id -> ids.add(new BytesRef(id)));
      snapshot = new HiddenSnapshot(changes, ids.isEmpty() ? Optional.empty() : Optional.of(new TermInSetQuery(ADVERTISER_ID, ids)));
      hiddenSnapshot = snapshot;
    }
    return snapshot.query();
  }

  /** The product with this id, as of the last refresh. */
  static Optional<IndexedProduct> product(IndexSearcher searcher, String productId) {
    try {
      TopDocs hit = searcher.search(new TermQuery(new Term(KEY, key(PRODUCT, productId))), 1);
      return hit.scoreDocs.length == 0 ? Optional.empty() : Optional.of(product(searcher, hit.scoreDocs[0].doc));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The stored product of document {@code doc}. */
  static IndexedProduct product(IndexSearcher searcher, int doc) throws IOException {
    Document stored = searcher.storedFields().document(doc);
    return new IndexedProduct(stored.get(PRODUCT_ID), stored.get(ADVERTISER_ID), stored.get(TITLE), stored.get(DESCRIPTION),
        stored.get(CATEGORY), stored.get(BRAND));
  }

  /** Products and advertisers readers see now. */
  public int documents() {
    return read(DirectoryReader::numDocs);
  }

  /** Bytes the index takes on disk now. */
  public long diskBytes() {
    try (Stream<Path> files = Files.list(path)) {
      return files.mapToLong(file -> file.toFile().length()).sum();
    } catch (IOException e) {
      return 0;
    }
  }

  @Override
  public void close() {
    try {
      readers.close();
      writer.rollback();
      directory.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the catalog index: " + e.getMessage(), e);
    }
  }

  static String key(String kind, String id) {
    return kind + ":" + id;
  }

  private static void text(Document doc, String field, CharSequence value) {
    if (value != null && !value.toString().isBlank()) {
      doc.add(new TextField(field, value.toString(), Field.Store.YES));
    }
  }

  private void update(String key, Document doc) {
    try {
      writer.updateDocument(new Term(KEY, key), doc);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to the catalog index: " + e.getMessage(), e);
    }
  }

  private void delete(String key) {
    try {
      writer.deleteDocuments(new Term(KEY, key));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to the catalog index: " + e.getMessage(), e);
    }
  }

}

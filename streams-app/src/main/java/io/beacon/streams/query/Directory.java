package io.beacon.streams.query;

import io.beacon.avro.Advertiser;
import io.beacon.avro.Product;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Who and what Beacon knows: advertisers and catalog products by id, from the global tables, so
 * every instance answers from its own copy. Searches find the ids in the catalog index and read
 * the records here.
 */
public final class Directory {

  private final AdvertiserState.Source source;

  public Directory(AdvertiserState.Source source) {
    this.source = source;
  }

  /** The advertisers with these ids, in their order, leaving out those the table does not hold. */
  public QueryResult<List<Advertiser>> advertisers(List<String> ids) {
    return lookUp(source.advertisers(), "the advertisers table", ids);
  }

  /** The products with these ids, in their order, leaving out those the catalog table does not hold. */
  public QueryResult<List<Product>> products(List<String> ids) {
    return lookUp(source.catalog(), "the catalog", ids);
  }

  private static <T> QueryResult<List<T>> lookUp(QueryResult<ReadOnlyKeyValueStore<String, T>> store, String what, List<String> ids) {
    return BeaconQueries.readable(what, () -> store.map(table -> {
      List<T> found = new ArrayList<>(ids.size());
      for (String id : ids) {
        T value = table.get(id);
        if (value != null) {
          found.add(value);
        }
      }
      return found;
    }));
  }
}

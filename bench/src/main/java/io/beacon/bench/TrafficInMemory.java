package io.beacon.bench;

import io.beacon.loadgen.Planned;
import io.beacon.loadgen.Sink;
import io.beacon.loadgen.TrafficGenerator;
import io.beacon.loadgen.TrafficPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Loadgen's traffic for a plan, held in memory: the advertisers with their statuses and every
 * record in order, so that generating them is not part of a timed run.
 */
final class TrafficInMemory implements Sink {

  private final Map<String, String> advertisers = new LinkedHashMap<>();
  private final List<Planned> records = new ArrayList<>();

  private TrafficInMemory() {}

  static TrafficInMemory of(TrafficPlan plan) throws Exception {
    TrafficInMemory traffic = new TrafficInMemory();
    plan.registerAdvertisers(traffic);
    new TrafficGenerator(plan).generate(traffic::send);
    return traffic;
  }

  /** Advertiser id to status, ACTIVE or INACTIVE. */
  Map<String, String> advertisers() {
    return advertisers;
  }

  List<Planned> records() {
    return records;
  }

  /** How many records must end how: {@link Planned#COUNTED} or a reject reason. */
  Map<String, Long> outcomes() {
    Map<String, Long> outcomes = new TreeMap<>();
    records.forEach(r -> outcomes.merge(r.outcome(), 1L, Long::sum));
    return outcomes;
  }

  @Override
  public void advertiser(String id, String status) {
    advertisers.put(id, status);
  }

  @Override
  public void send(Planned planned) {
    records.add(planned);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}

package io.beacon.bench;

import java.io.PrintStream;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * JMH micro-benchmarks of hot functions, each beside what it replaced, in a forked JVM: the
 * iterations' scores give the median with min and max.
 */
final class MicroBench {

  private MicroBench() {}

  static List<Figure> command(Args args, PrintStream out) throws Exception {
    int iterations = args.positive("--iterations", 5);
    int seconds = args.positive("--seconds", 2);
    args.rejectUnread();
    out.printf("bench: micro: JMH, 1 fork, %d warm-up and %d measured iterations of %d s per benchmark%n",
        iterations, iterations, seconds);
    Options options = new OptionsBuilder()
        .include(EventDecodeBenchmark.class.getName())
        .forks(1)
        .warmupIterations(iterations)
        .warmupTime(TimeValue.seconds(seconds))
        .measurementIterations(iterations)
        .measurementTime(TimeValue.seconds(seconds))
        .build();
    Collection<RunResult> results = new Runner(options).run();
    Sample beacon = scores(results, "beaconSerde");
    Sample avro = scores(results, "avroMessageDecoder");
    return List.of(Figure.versus("decode one event from Kafka's bytes (JMH), ns", beacon,
        "Avro's `BinaryMessageDecoder`", avro, "%.0f", "—"));
  }

  /** The measured iterations' scores of the benchmark method {@code method}. */
  private static Sample scores(Collection<RunResult> results, String method) {
    RunResult run = results.stream().filter(r -> r.getParams().getBenchmark().endsWith("." + method)).findFirst()
        .orElseThrow(() -> new IllegalStateException("JMH gave no result for " + method));
    return new Sample(run.getBenchmarkResults().stream()
        .map(BenchmarkResult::getIterationResults).flatMap(Collection::stream)
        .map(iteration -> iteration.getPrimaryResult().getScore()).toList());
  }
}

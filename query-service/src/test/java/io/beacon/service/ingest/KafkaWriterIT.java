package io.beacon.service.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beacon.kafka.embedded.EmbeddedKafkaBroker;
import io.beacon.service.problem.ProblemException;
import io.beacon.streams.BeaconConfig;
import io.micronaut.http.HttpStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The collector's writes answer once the broker has the records, and 503 (never hang) once it is gone. */
@Tag("integration")
class KafkaWriterIT {

  @TempDir
  Path dataDir;

  @Test
  void aWriteCompletesWhenAcknowledgedAndFailsWith503WhenTheBrokerIsGone() throws Exception {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, EmbeddedKafkaBroker.freePort());
    ExecutorService blocking = Executors.newCachedThreadPool();
    KafkaWriter writer = new KafkaWriter(BeaconConfig.defaults(broker.bootstrapServers()), blocking);
    try {
      List<ProducerRecord<String, byte[]>> records = List.of(new ProducerRecord<>("writer-it", "adv-a", new byte[] {1}));
      // Nothing acknowledged yet, so the producer may still have to wait for the topic's metadata.
      assertFalse(writer.takesAtOnce("writer-it"));
      writer.writeAsyncFromEventLoop(records).get(30, TimeUnit.SECONDS);
      assertTrue(writer.takesAtOnce("writer-it"));
      assertFalse(writer.takesAtOnce("another-topic"));
      writer.writeAsync(records).get(30, TimeUnit.SECONDS);
      writer.write(records);

      broker.close();
      // Within the delivery timeout: a get that outlived it would throw TimeoutException instead.
      ExecutionException failed = assertThrows(ExecutionException.class,
          () -> writer.writeAsync(records).get(KafkaWriter.TIMEOUT_MS + 5_000L, TimeUnit.MILLISECONDS));
      ProblemException problem = (ProblemException) failed.getCause();
      assertEquals(HttpStatus.SERVICE_UNAVAILABLE, problem.status());
      assertTrue(problem.getMessage().contains("Resend with an event_id"), problem.getMessage());
      assertEquals(HttpStatus.SERVICE_UNAVAILABLE, assertThrows(ProblemException.class, () -> writer.write(records)).status());
      ExecutionException fromEventLoop = assertThrows(ExecutionException.class,
          () -> writer.writeAsyncFromEventLoop(records).get(KafkaWriter.TIMEOUT_MS + 5_000L, TimeUnit.MILLISECONDS));
      assertEquals(HttpStatus.SERVICE_UNAVAILABLE, ((ProblemException) fromEventLoop.getCause()).status());
    } finally {
      writer.close();
      blocking.shutdown();
      broker.close();
    }
  }
}

package io.vigil.e2e;

import io.vigil.testing.Await;
import io.vigil.testing.InfluxDbExtension;
import io.vigil.testing.MosquittoTestPublisher;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Waits until a started job's readers have subscribed: until then messages would reach nobody. It
 * publishes a payload that is no reading to a probe topic until the job's dead letter for it is in
 * InfluxDB.
 */
public final class ReaderProbe {

    /** How long subscribing may take: the job's start on a busy machine included. */
    public static final Duration TIMEOUT = Duration.ofSeconds(90);

    private ReaderProbe() {}

    /**
     * Waits with {@link Await#until} until a dead letter of {@code topic} is in {@code database}.
     */
    public static void awaitSubscribed(
            MosquittoTestPublisher probe, InfluxDbExtension influxDb, String database, String topic)
            throws Exception {
        Await.until(
                deadLetterArrived(probe, influxDb, database, topic),
                TIMEOUT,
                () -> "no reader subscribed");
    }

    /**
     * The condition to poll for a caller's own way of waiting: each call publishes one probe to
     * {@code topic} at QoS 1 and holds once a dead letter of {@code topic} is in {@code database}.
     */
    public static Callable<Boolean> deadLetterArrived(
            MosquittoTestPublisher probe,
            InfluxDbExtension influxDb,
            String database,
            String topic) {
        return () -> {
            probe.publish(topic, "probe", 1);
            return influxDb.count(
                            database,
                            "SELECT count(payload) FROM dead_letters WHERE topic = '" + topic + "'")
                    > 0;
        };
    }
}

package io.vigil.connectors.influxdb.sink;

import io.vigil.testing.InfluxDbExtension;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.testframe.external.ExternalSystemDataReader;
import org.apache.flink.connector.testframe.external.sink.DataStreamSinkV2ExternalContext;
import org.apache.flink.connector.testframe.external.sink.TestingSinkSettings;

/**
 * Flink's connector test framework view of the sink: each test case writes strings to its own
 * measurement; the string's leading number is its timestamp, so that replays overwrite.
 */
final class InfluxDbSinkExternalContext implements DataStreamSinkV2ExternalContext<String> {

    static final String DATABASE = "suite";
    private static final AtomicInteger MEASUREMENTS = new AtomicInteger();

    private final InfluxDbExtension influxDb;
    private final String measurement;

    InfluxDbSinkExternalContext(InfluxDbExtension influxDb) {
        this.influxDb = influxDb;
        this.measurement = "case_" + MEASUREMENTS.incrementAndGet();
    }

    @Override
    public Sink<String> createSink(TestingSinkSettings settings) {
        String target = measurement;
        return InfluxDbSink.<String>builder()
                .setUrl(influxDb.url())
                .setDatabase(DATABASE)
                .set(InfluxDbSinkOptions.CREATE_DATABASE, true)
                .set(InfluxDbSinkOptions.BATCH_FLUSH_INTERVAL, Duration.ofMillis(100))
                .set(InfluxDbSinkOptions.BATCH_MAX_POINTS, 25)
                .setConverter(
                        s ->
                                InfluxDbPoint.builder(target)
                                        .field("value", s)
                                        .timestamp(Long.parseLong(s.substring(0, 6)))
                                        .build())
                .build();
    }

    @Override
    public ExternalSystemDataReader<String> createSinkDataReader(TestingSinkSettings settings) {
        return new Reader();
    }

    @Override
    public List<String> generateTestData(TestingSinkSettings settings, long seed) {
        Random random = new Random(seed);
        int count = 100 + random.nextInt(100);
        List<String> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(String.format("%06d-%s", i, TrickyStrings.tricky(random, 20)));
        }
        return records;
    }

    @Override
    public TypeInformation<String> getProducedType() {
        return Types.STRING;
    }

    @Override
    public List<URL> getConnectorJarPaths() {
        return Collections.emptyList();
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
        return "InfluxDB sink, measurement " + measurement;
    }

    /** Returns the points not returned before, so that the suite sees each stored point once. */
    private final class Reader implements ExternalSystemDataReader<String> {
        private final Set<Long> seen = new HashSet<>();

        @Override
        public List<String> poll(Duration timeout) {
            List<String> fresh = new ArrayList<>();
            for (Map<String, Object> row : rows()) {
                if (seen.add(((Number) row.get("time")).longValue())) {
                    fresh.add((String) row.get("value"));
                }
            }
            if (fresh.isEmpty()) {
                try {
                    Thread.sleep(Math.min(timeout.toMillis(), 200));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return fresh;
        }

        private List<Map<String, Object>> rows() {
            try {
                return influxDb.query(DATABASE, "SELECT value FROM \"" + measurement + "\"");
            } catch (IllegalStateException databaseNotCreatedYet) {
                return Collections.emptyList();
            }
        }

        @Override
        public void close() {}
    }
}

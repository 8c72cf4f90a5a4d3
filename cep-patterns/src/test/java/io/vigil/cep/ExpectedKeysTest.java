package io.vigil.cep;

import static io.vigil.cep.AlertAsserter.assertOutput;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.vigil.model.Alert;
import io.vigil.model.SensorReading;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Expected keys in the engine: a silence pattern alerts for an expected key that never sends. */
class ExpectedKeysTest {

    private static final long S = 1000;
    private static final long AFTER = 60 * S;

    private EngineHarness harness;

    @BeforeEach
    void openHarness() throws Exception {
        harness =
                new EngineHarness(
                        List.of(new SilencePattern(TestPatterns.PUMP_SILENT).program()),
                        List.of(
                                "plant-a/pump-1/temperature",
                                "plant-a/pump-2/temperature",
                                "plant-a/mic-1/sound"));
        harness.setProcessingTime(0);
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
    }

    @Test
    void anExpectedKeyThatNeverSendsAlertsOnceAfterTheFirstWatermarkPlusAfter() throws Exception {
        harness.watermark(10 * S);
        harness.add(pump("pump-2", 15 * S), pump("pump-2", 40 * S));
        harness.watermark(10 * S + AFTER - 1);
        assertOutput(harness.alerts()).hasNoMoreAlerts();

        harness.watermark(10 * S + AFTER);
        harness.watermark(10 * AFTER);

        assertThat(harness.alerts())
                .filteredOn(a -> a.device().equals("pump-1"))
                .containsExactly(
                        new Alert(
                                "pump-silent",
                                "silence",
                                "warning",
                                "plant-a",
                                "pump-1",
                                "temperature",
                                10 * S,
                                10 * S + AFTER,
                                0,
                                0,
                                "expected, but no reading in the 60.0 s since"
                                        + " 1970-01-01T00:00:10Z"));
        assertThat(harness.alerts())
                .as(
                        "pump-2 sent, so it is silent from its last reading; mic-1's metric is not"
                                + " watched")
                .filteredOn(a -> !a.device().equals("pump-1"))
                .extracting(Alert::device, Alert::startedAt)
                .containsExactly(tuple("pump-2", 40 * S));
    }

    @Test
    void anExpectedKeyIsWatchedAgainAfterItSentAndWentSilent() throws Exception {
        harness.watermark(1 * S);
        harness.watermark(1 * S + AFTER);
        harness.add(pump("pump-1", 100 * S));
        harness.watermark(100 * S + AFTER);

        assertThat(harness.alerts())
                .filteredOn(a -> a.device().equals("pump-1"))
                .extracting(Alert::startedAt, Alert::endedAt)
                .containsExactly(tuple(1 * S, 1 * S + AFTER), tuple(100 * S, 100 * S + AFTER));
    }

    @Test
    void theEndOfABoundedInputIsNoSilenceOfAnExpectedKey() throws Exception {
        harness.watermark(1 * S);
        harness.watermark(Long.MAX_VALUE);

        assertOutput(harness.alerts()).hasNoMoreAlerts();
    }

    @Test
    void inAReplayWithoutWatermarksUntilItsEndTheFirstReadingStartsEventTime() throws Exception {
        harness.add(pump("pump-2", 5 * S), pump("pump-2", 5 * S + AFTER));

        harness.watermark(Long.MAX_VALUE);

        assertThat(harness.alerts())
                .as("the input went past pump-1's deadline; pump-2 sent until the end")
                .extracting(Alert::device, Alert::startedAt, Alert::endedAt)
                .containsExactly(tuple("pump-1", 5 * S, 5 * S + AFTER));
    }

    @Test
    void withoutEventTimeNoKeyIsExpectedYet() throws Exception {
        assertThat(harness.numEventTimeTimers()).isZero();
        harness.watermark(1 * S);
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);
    }

    private static SensorReading pump(String device, long timestamp) {
        return new SensorReading("plant-a", device, "temperature", timestamp, 40.0, "°C");
    }
}

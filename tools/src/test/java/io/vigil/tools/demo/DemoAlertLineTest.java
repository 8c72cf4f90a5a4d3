package io.vigil.tools.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.model.Alert;
import io.vigil.model.AlertState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.junit.jupiter.api.Test;

class DemoAlertLineTest {

    private static final long T = Instant.parse("2026-11-28T10:21:37.250Z").toEpochMilli();

    private static Alert burst() {
        return new Alert(
                "sound-burst",
                "burst",
                "warning",
                "plant-a",
                "mic-03",
                "sound",
                T,
                T + 3000,
                4,
                97.44,
                "4 readings above 85.0 dB over 3.0 s, peak 97.4");
    }

    @Test
    void formatsTimeDevicePatternPeakAndMessageOnOneLine() {
        assertThat(AlertPrinter.format(burst(), ZoneOffset.UTC))
                .isEqualTo(
                        "10:21:37 FIRING   sound-burst     plant-a/mic-03 sound  peak 97.4 "
                                + " (warning) 4 readings above 85.0 dB over 3.0 s, peak 97.4");
    }

    @Test
    void showsAResolvedAlertAtTheTimeItResolvedWithHowLongItLasted() {
        Alert firing = burst();
        Alert resolved =
                new Alert(
                        firing.pattern(),
                        firing.type(),
                        firing.severity(),
                        firing.site(),
                        firing.device(),
                        firing.metric(),
                        firing.startedAt(),
                        T + 4200,
                        firing.events(),
                        firing.peak(),
                        "resolved after 4.2 s: " + firing.message(),
                        AlertState.RESOLVED,
                        firing.id());

        assertThat(AlertPrinter.format(resolved, ZoneOffset.UTC))
                .isEqualTo(
                        "10:21:41 RESOLVED sound-burst     plant-a/mic-03 sound  after 4.2 s"
                                + "  (warning)");
    }

    @Test
    void showsTheTimeInTheGivenZone() {
        assertThat(AlertPrinter.format(burst(), ZoneId.of("Europe/Berlin")))
                .startsWith("11:21:37 ");
    }

    @Test
    void showsADashForAnAlertWithoutPeak() {
        Alert silence =
                new Alert(
                        "sensor-silence",
                        "silence",
                        "critical",
                        "plant-b",
                        "pump-01",
                        "temperature",
                        T,
                        T + 120_000,
                        0,
                        Double.NaN,
                        "no reading for more than 120 s");

        assertThat(AlertPrinter.format(silence, ZoneOffset.UTC))
                .contains("plant-b/pump-01 temperature  peak -  (critical)")
                .doesNotContain("NaN");
    }

    @Test
    void printsEachAlertToTheRegisteredConsoleAndCountsIt() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong printed =
                AlertPrinter.register(
                        "test-console", new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try (SinkWriter<Alert> writer =
                new AlertPrinter("test-console", ZoneOffset.UTC).createWriter(null)) {
            writer.write(burst(), null);
            writer.write(burst(), null);
            writer.flush(false);
        } finally {
            AlertPrinter.unregister("test-console");
        }

        assertThat(bytes.toString(StandardCharsets.UTF_8).lines())
                .hasSize(2)
                .allSatisfy(line -> assertThat(line).startsWith("10:21:37 FIRING   sound-burst"));
        assertThat(printed).hasValue(2);
    }

    @Test
    void refusesToStartWithoutARegisteredConsole() {
        AlertPrinter printer = new AlertPrinter("nobody", ZoneOffset.UTC);

        assertThatThrownBy(() -> printer.createWriter(null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No console 'nobody'");
    }
}

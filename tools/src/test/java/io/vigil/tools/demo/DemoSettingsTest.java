package io.vigil.tools.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.tools.CapturedConsole;
import io.vigil.tools.ExitCode;
import io.vigil.tools.simulator.FleetSimulation;
import io.vigil.tools.simulator.SimulationSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoSettingsTest {

    @Test
    void defaultsToAFileA40DeviceFleetAndPort8081ForAnHour() throws Exception {
        DemoSettings settings = DemoCommand.parse();

        assertThat(settings)
                .isEqualTo(
                        new DemoSettings(
                                null, "vigil", 8081, false, 40, 1, null, Duration.ofHours(1)));
    }

    @Test
    void readsEveryOptionInBothForms() throws Exception {
        DemoSettings settings =
                DemoCommand.parse(
                        "--influx-url=http://localhost:8086",
                        "--influx-database",
                        "demo",
                        "--web-port",
                        "9091",
                        "--devices=12",
                        "--seed",
                        "7",
                        "--duration",
                        "10m");

        assertThat(settings)
                .isEqualTo(
                        new DemoSettings(
                                "http://localhost:8086",
                                "demo",
                                9091,
                                true,
                                12,
                                7,
                                null,
                                Duration.ofMinutes(10)));
        assertThat(DemoCommand.parse("--output", "x.lp").output()).isEqualTo(Path.of("x.lp"));
    }

    @Test
    void namesTheOptionAndTheBadValue() {
        assertUsageError(
                List.of("--web-port", "http"),
                "--web-port must be a whole number from 1 to 65535, was 'http'");
        assertUsageError(
                List.of("--devices", "1"),
                "--devices must be a whole number from 2 to 10000, was '1'");
        assertUsageError(List.of("--seed", "x"), "--seed must be a number, was 'x'");
        assertUsageError(List.of("--duration", "soon"), "--duration: 'soon' is not a duration");
        assertUsageError(List.of("--duration", "1m"), "--duration must be at least 2m");
        assertUsageError(List.of("--devices"), "--devices needs a value");
        assertUsageError(List.of("--verbose", "yes"), "demo has no option '--verbose'");
        assertUsageError(
                List.of("--output", "a.lp", "--influx-url", "http://localhost:8086"),
                "--output and --influx-url exclude each other");
    }

    @Test
    void aBadCommandLineExitsWithTwoAndPrintsTheUsage() {
        CapturedConsole console = new CapturedConsole();

        int code = console.command("demo", "--devices", "many");

        assertThat(code).isEqualTo(2);
        assertThat(console.out()).isEmpty();
        assertThat(console.err())
                .startsWith("vigil demo: --devices must be a whole number")
                .contains("Usage: vigil demo");
    }

    @Test
    void helpPrintsTheUsageAndExitsWithZero() {
        CapturedConsole console = new CapturedConsole();

        int code = console.command("demo", "--help");

        assertThat(code).isZero();
        assertThat(console.out()).startsWith("Usage: vigil demo");
    }

    @Test
    void choosesASeedWhoseFirstBurstComesEarly() throws Exception {
        SimulationSpec spec = DemoFleet.chooseSpec(DemoCommand.parse("--seed", "4"));

        assertThat(spec.sites() * spec.devicesPerSite()).isEqualTo(40);
        assertThat(spec.bursts()).isEqualTo(120);
        assertThat(spec.seed()).as("seed 4 bursts first after 116 s").isEqualTo(5);
        assertThat(DemoFleet.firstBurstOffset(FleetSimulation.generate(spec)))
                .isLessThanOrEqualTo(DemoFleet.EARLY_BURST.toMillis());
    }

    @Test
    void fitsTheEpisodesIntoASmallFleetAndAShortRun() throws Exception {
        SimulationSpec spec =
                DemoFleet.chooseSpec(DemoCommand.parse("--devices", "2", "--duration", "2m"));

        assertThat(spec.bursts()).isPositive();
        assertThat(FleetSimulation.generate(spec).messages()).isNotEmpty();
    }

    @Test
    void showsEveryPatternTypeFromTenMinutesOn() throws Exception {
        SimulationSpec longRun = DemoFleet.chooseSpec(DemoCommand.parse("--seed", "4"));
        SimulationSpec small =
                DemoFleet.chooseSpec(DemoCommand.parse("--devices", "4", "--duration", "10m"));
        SimulationSpec nineMinutes =
                DemoFleet.chooseSpec(DemoCommand.parse("--devices", "4", "--duration", "9m"));

        assertThat(List.of(longRun.lows(), longRun.leaks(), longRun.rates()))
                .containsOnly(longRun.sequences());
        assertThat(longRun.flatlines()).isEqualTo(12);
        assertThat(FleetSimulation.generate(small).episodes())
                .extracting(e -> e.kind().code())
                .contains("low", "leak", "rate", "flatline", "sequence");
        assertThat(nineMinutes.hasMachines()).isFalse();
    }

    private static void assertUsageError(List<String> args, String message) {
        CapturedConsole console = new CapturedConsole();

        assertThat(console.command("demo", args.toArray(String[]::new))).isEqualTo(ExitCode.USAGE);
        assertThat(console.err()).startsWith("vigil demo: " + message);
        assertThat(console.out()).isEmpty();
    }
}

package io.vigil.tools.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.tools.CapturedConsole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class SimulatorCliTest {

    @TempDir Path dir;

    private final CapturedConsole console = new CapturedConsole();

    private int run(String... args) {
        return SimulatorCli.run(args, Map.of(), console.outStream(), console.errStream());
    }

    /** Reads {@code args} as {@code vigil simulate} would, without running anything. */
    private SimulatorCli parse(String... args) {
        return CommandLine.populateCommand(
                new SimulatorCli(Map.of(), System.out, System.err), args);
    }

    private String err() {
        return console.err();
    }

    private String out() {
        return console.out();
    }

    @Test
    void printsTheUsageOnHelp() {
        assertThat(run("--help")).isZero();
        assertThat(out())
                .contains("Usage: simulate --broker URI", "--anomalies", "VIGIL_MQTT_PASSWORD");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "--colour red|unknown option --colour",
                "stray|unexpected argument 'stray'",
                "-- stray|unexpected argument 'stray'",
                "--seed|--seed needs a value",
                "--seed --dry-run|--seed needs a value",
                "--seed 1 --seed 2|--seed is given twice",
                "--seed abc|--seed has a bad value 'abc'",
                "--devices -3 --dry-run|devicesPerSite must be at least 1, was -3",
                "--duration soon|--duration has a bad value 'soon'",
                "--duration 0s --dry-run|duration must be positive",
                "--rate fast|--rate has a bad value 'fast'",
                "--rate -5 --dry-run|--rate must be 0 (as fast as possible) or a positive number",
                "--anomalies bursts=5,spikes=2|got 'spikes=2'",
                "--anomalies bursts|got 'bursts'",
                "--anomalies bursts=many|--anomalies bursts has a bad value 'many'",
                "--anomalies malformed=lots%|--anomalies malformed is not a percentage: 'lots%'",
                "--anomalies malformed=0.9 --dry-run|malformedShare must be between 0 and 0.5",
                "--payloads fancy|--payloads must be mixed or plain, was 'fancy'",
                "--start yesterday --dry-run|--start must be now, an ISO-8601 instant",
                "--sound-period 5s --dry-run|soundPeriod must be between",
                "--password secret|never taken from the command line; set VIGIL_MQTT_PASSWORD",
                "--help=yes|--help takes no value, got 'yes'",
                "--devices 1 --anomalies bursts=0,drifts=1,silences=0 --dry-run|Cannot place 1"
                        + " drifts on 0 pump devices",
                "--rate 0|--broker is required",
                "--broker localhost:1883|simulator.broker-uri must start with tcp:// or ssl://",
                "--broker tcp://localhost:1883 --qos 3|simulator.qos must be 0, 1 or 2, was 3",
                "--broker tcp://localhost:1883 --mqtt-version 4|simulator.mqtt-version must be 3 or"
                        + " 5, was 4",
                "--broker tcp://localhost:1883 --max-in-flight 0|simulator.max-in-flight must be"
                        + " between 1 and 65535",
                "--broker tcp://localhost:1883 --username=|simulator.username must not be empty",
            })
    void rejectsBadArgumentsWithExitCodeTwo(String args, String message) {
        assertThat(run(args.split(" "))).isEqualTo(2);
        assertThat(err()).contains("simulate: ").contains(message);
    }

    @Test
    void describesEachFlagByTheSimulatorOptionItStandsFor() {
        CommandLine.Model.CommandSpec command =
                new CommandLine(new SimulatorCli(Map.of(), System.out, System.err))
                        .getCommandSpec();

        assertThat(command.findOption("--devices").description())
                .containsExactly(
                        "Devices per site, alternately microphones (mic-NN, sound in dB) and"
                                + " pumps (pump-NN, temperature in C).");
        assertThat(command.findOption("--broker").description())
                .containsExactly("MQTT broker to publish to: tcp://host:port or ssl://host:port.");
        assertThat(command.findOption("--username").description()[0])
                .contains(SimulatorCli.PASSWORD_ENV);
        assertThat(command.findOption("--anomalies").description()[0])
                .endsWith("default: bursts=5,drifts=2,silences=2,malformed=0.01.");
    }

    @Test
    void dryRunWritesTheGroundTruthOfTheSimulationAsked() throws IOException {
        Path labels = dir.resolve("labels.jsonl");

        int code =
                run(
                        "--dry-run",
                        "--sites",
                        "2",
                        "--devices=6",
                        "--duration",
                        "12m",
                        "--start",
                        "2025-11-28T08:00:00Z",
                        "--seed",
                        "9",
                        "--anomalies",
                        "bursts=3, drifts=1,silences=1,malformed=2%",
                        "--payloads",
                        "plain",
                        "--labels",
                        labels.toString());

        assertThat(code).isZero();
        FleetSimulation expected =
                FleetSimulation.generate(
                        SimulationSpec.builder()
                                .setSites(2)
                                .setDevicesPerSite(6)
                                .setDuration(Duration.ofMinutes(12))
                                .setStartMillis(SimulationSpec.DEFAULT_START_MILLIS)
                                .setSeed(9)
                                .setBursts(3)
                                .setDrifts(1)
                                .setSilences(1)
                                .setMalformedShare(0.02)
                                .setMixedPayloads(false)
                                .build());
        assertThat(LabelsFile.read(labels)).isEqualTo(expected.episodes());
        assertThat(out())
                .contains("2 site(s) x 6 devices", "seed 9", "3 bursts, 1 drifts, 1 silences")
                .contains("ground truth: " + expected.episodes().size() + " episodes in " + labels);
    }

    @Test
    void asksForTheEpisodesOfEveryPatternTypeAndLabelsThem() throws IOException {
        Path labels = dir.resolve("every-type.jsonl");

        int code =
                run(
                        "--dry-run",
                        "--start",
                        "2025-11-28T08:00:00Z",
                        "--duration",
                        "20m",
                        "--anomalies",
                        "lows=1,leaks=2,rates=1,flatlines=1,sequences=1",
                        "--labels",
                        labels.toString());

        assertThat(code).isZero();
        assertThat(LabelsFile.read(labels))
                .extracting(Episode::kind)
                .contains(
                        Episode.Kind.LOW,
                        Episode.Kind.LEAK,
                        Episode.Kind.RATE,
                        Episode.Kind.FLATLINE,
                        Episode.Kind.SEQUENCE);
        assertThat(Files.readString(labels))
                .contains("\"pattern\":\"line-pressure-leak\"", "\"resolvesAt\":");
        assertThat(out()).contains("1 lows, 2 leaks, 1 rates, 1 flatlines, 1 sequences");
    }

    @Test
    void startsNowWhenPacedInRealTimeAndEndsNowOtherwise() {
        long before = System.currentTimeMillis();
        SimulatorCli realTime = parse("--duration", "10m");
        SimulatorCli fast = parse("--duration", "10m", "--rate", "500/s");
        long after = System.currentTimeMillis();

        assertThat(realTime.spec().startMillis()).isBetween(before, after + 1000);
        assertThat(fast.spec().endMillis()).isBetween(before, after + 1000);
        assertThat(fast.pacing()).isEqualTo(MqttFleetPublisher.Pacing.perSecond(500));
        assertThat(realTime.pacing()).isEqualTo(MqttFleetPublisher.Pacing.realTime());
        assertThat(parse("--rate", "real").pacing())
                .isEqualTo(MqttFleetPublisher.Pacing.realTime());
        assertThat(parse("--rate", "0").pacing()).isEqualTo(MqttFleetPublisher.Pacing.unlimited());
        assertThat(parse("--start", "1764316800000").spec().startMillis())
                .isEqualTo(SimulationSpec.DEFAULT_START_MILLIS);
    }

    @Test
    void failsWithExitCodeOneWhenTheLabelsFileCannotBeWritten() throws IOException {
        Path blocker = Files.writeString(dir.resolve("file"), "not a directory");

        int code =
                run(
                        "--dry-run",
                        "--start",
                        "0",
                        "--labels",
                        blocker.resolve("labels.jsonl").toString());

        assertThat(code).isEqualTo(1);
        assertThat(err()).contains("cannot write the labels file");
    }
}

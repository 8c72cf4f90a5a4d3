package io.vigil.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VigilCliTest {

    private static final Path DEFAULT_FILE = Path.of("../cep-patterns/patterns/default.yaml");
    private static final Path BASELINE_EXAMPLE =
            Path.of("../cep-patterns/patterns/examples/baseline-burst.yaml");
    private static final Path SEQUENCE_EXAMPLE =
            Path.of("../cep-patterns/patterns/examples/hot-then-loud.yaml");

    private static final Path PER_DEVICE_EXAMPLE =
            Path.of("../cep-patterns/patterns/examples/per-device-settings.yaml");
    private static final Path EXPECTED_EXAMPLE =
            Path.of("../cep-patterns/patterns/examples/expected-devices.yaml");

    @TempDir Path dir;

    private final CapturedConsole console = new CapturedConsole();

    @Test
    void validatePrintsEachFilesPatternsAndExitsZero() {
        int code =
                run(
                        "validate",
                        DEFAULT_FILE.toString(),
                        BASELINE_EXAMPLE.toString(),
                        SEQUENCE_EXAMPLE.toString());

        assertThat(code).isEqualTo(ExitCode.OK);
        assertThat(out())
                .isEqualTo(
                        "OK: "
                                + DEFAULT_FILE
                                + " (3 patterns: sound-burst, thermal-drift, sensor-silence)\n"
                                + "OK: "
                                + BASELINE_EXAMPLE
                                + " (1 pattern: sound-burst-over-baseline)\n"
                                + "OK: "
                                + SEQUENCE_EXAMPLE
                                + " (1 pattern: hot-then-loud)\n");
        assertThat(err()).isEmpty();
    }

    @Test
    void validatePrintsEveryErrorToStderrAndExitsOne() throws IOException {
        Path broken =
                Files.writeString(
                        dir.resolve("broken.yaml"),
                        """
                        patterns:
                          - name: loud
                            type: burst
                            metrics: [sound]
                            threshold: "85"
                            min-events: 0
                            within: 10s
                        """);
        Path missing = dir.resolve("missing.yaml");

        int code = run("validate", DEFAULT_FILE.toString(), broken.toString(), missing.toString());

        assertThat(code).isEqualTo(ExitCode.FAILED);
        assertThat(out()).isEmpty();
        assertThat(err().split("\n"))
                .containsExactly(
                        broken
                                + ": pattern 'loud': field 'threshold': must be a number, found"
                                + " the string \"85\" (remove the quotes) (line 5)",
                        broken
                                + ": pattern 'loud': field 'min-events': must be at least 1 for a"
                                + " 'burst' pattern, found 0 (line 6)",
                        missing + ": file not found",
                        "INVALID: 3 errors in 2 files");
    }

    @Test
    void validateExplainsTheValuesInForceForAKeyAndWhereTheyComeFrom() {
        int code =
                run(
                        "validate",
                        PER_DEVICE_EXAMPLE.toString(),
                        EXPECTED_EXAMPLE.toString(),
                        DEFAULT_FILE.toString(),
                        "--explain",
                        "plant-b/bench-7/sound");

        assertThat(code).isEqualTo(ExitCode.OK);
        assertThat(out())
                .isEqualTo(
                        "OK: "
                                + PER_DEVICE_EXAMPLE
                                + " (1 pattern: loud-machinery with 2 overrides)\n"
                                + "OK: "
                                + EXPECTED_EXAMPLE
                                + " (4 expected keys)\n"
                                + "OK: "
                                + DEFAULT_FILE
                                + " (3 patterns: sound-burst, thermal-drift, sensor-silence)\n"
                                + "plant-b/bench-7/sound:\n"
                                + "  loud-machinery (burst, "
                                + PER_DEVICE_EXAMPLE
                                + "): overrides[2] at "
                                + PER_DEVICE_EXAMPLE
                                + ":24 (device bench-*) applies\n"
                                + "    severity: info   (overrides[2])\n"
                                + "    threshold: 100   (overrides[2])\n"
                                + "    min-events: 2   (overrides[2])\n"
                                + "    within: 10s\n"
                                + "  sound-burst (burst, "
                                + DEFAULT_FILE
                                + "): the pattern's own values apply\n"
                                + "    severity: warning\n"
                                + "    threshold: 85\n"
                                + "    min-events: 3\n"
                                + "    within: 10s\n"
                                + "  sensor-silence (silence, "
                                + DEFAULT_FILE
                                + "): the pattern's own values apply\n"
                                + "    severity: critical\n"
                                + "    after: 2m\n"
                                + "  expected: no\n");
        assertThat(err()).isEmpty();
    }

    @Test
    void validateExplainsWhetherAKeyIsExpected() {
        int code =
                run(
                        "validate",
                        DEFAULT_FILE.toString(),
                        EXPECTED_EXAMPLE.toString(),
                        "--explain",
                        "plant-a/press-1/temperature");

        assertThat(code).isEqualTo(ExitCode.OK);
        assertThat(out())
                .contains("  thermal-drift (drift, ")
                .doesNotContain("  sound-burst (")
                .endsWith("  expected: yes, listed at " + EXPECTED_EXAMPLE + ":11\n");
    }

    @Test
    void validateExplainsASequenceWithItsSteps() {
        int code =
                run(
                        "validate",
                        SEQUENCE_EXAMPLE.toString(),
                        "--explain",
                        "plant-a/mic-01/temperature");

        assertThat(code).isEqualTo(ExitCode.OK);
        assertThat(out())
                .endsWith(
                        "plant-a/mic-01/temperature:\n"
                                + "  hot-then-loud (sequence, "
                                + SEQUENCE_EXAMPLE
                                + "): the pattern's own values apply\n"
                                + "    severity: critical\n"
                                + "    within: 5m\n"
                                + "    steps: [{metric: temperature, above: 80}, {metric: sound,"
                                + " above: 85, min-events: 3, contiguity: followed-by}]\n"
                                + "  expected: no\n");
    }

    @Test
    void validateExplainNeedsAWholeKey() {
        assertThat(run("validate", DEFAULT_FILE.toString(), "--explain", "plant-b/mic-01"))
                .isEqualTo(ExitCode.USAGE);
        assertThat(err())
                .startsWith(
                        "vigil: --explain needs a key SITE/DEVICE/METRIC, e.g."
                                + " plant-a/mic-01/sound, got 'plant-b/mic-01'\n");
    }

    @Test
    void validateNamesASingleErrorInTheSingular() {
        Path missing = dir.resolve("missing.yaml");

        assertThat(run("validate", missing.toString())).isEqualTo(ExitCode.FAILED);
        assertThat(err()).endsWith("INVALID: 1 error in 1 file\n");
    }

    @Test
    void validateWithoutFilesIsAUsageError() {
        assertThat(run("validate")).isEqualTo(ExitCode.USAGE);
        assertThat(err())
                .startsWith("vigil: validate needs at least one pattern file\n")
                .contains(VigilCli.usage());
        assertThat(out()).isEmpty();
    }

    @Test
    void validateRejectsOptions() {
        assertThat(run("validate", "--strict", DEFAULT_FILE.toString())).isEqualTo(ExitCode.USAGE);
        assertThat(err()).startsWith("vigil: validate has no option '--strict'\n");
    }

    @Test
    void validateRejectsAnArgumentThatIsNoPath() {
        assertThat(run("validate", "bad\0name.yaml")).isEqualTo(ExitCode.USAGE);
        assertThat(err()).startsWith("vigil: 'bad\0name.yaml' is not a file path\n");
    }

    @Test
    void noCommandIsAUsageError() {
        assertThat(run()).isEqualTo(ExitCode.USAGE);
        assertThat(err()).startsWith("vigil: no command given\n").contains("Usage: vigil");
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        assertThat(run("frobnicate")).isEqualTo(ExitCode.USAGE);
        assertThat(err()).startsWith("vigil: unknown command 'frobnicate'\n");
    }

    @Test
    void helpPrintsTheUsageListingEveryCommandAndExitsZero() {
        for (String help : new String[] {"help", "-h", "--help"}) {
            console.reset();
            assertThat(run(help)).isEqualTo(ExitCode.OK);
            assertThat(out()).isEqualTo(VigilCli.usage());
        }
        assertThat(VigilCli.usage())
                .startsWith("Usage: vigil COMMAND [ARGS...]")
                .contains("  validate ")
                .contains("  demo ")
                .contains("  run ", "run --config FILE [--key value ...]")
                .contains("  simulate ")
                .contains("  help ")
                .contains("Exit codes: 0 ok, 1 the command failed");
    }

    @Test
    void runStopsBeforeStartingOnABadConfig(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("vigil.yaml");
        Files.writeString(config, "mqtt:\n  broker_uris: tcp://localhost:1883\n");

        assertThat(run("run", "--config", config.toString())).isEqualTo(ExitCode.FAILED);
        assertThat(err())
                .contains(config + ": unknown key 'mqtt.broker_uris'")
                .contains("not started");
    }

    @Test
    void runStopsBeforeStartingOnABadPatternFile(@TempDir Path dir) throws IOException {
        Path patterns = dir.resolve("patterns.yaml");
        Files.writeString(patterns, "patterns:\n  - name: x\n    type: spike\n");

        assertThat(run("run", "--patterns.files", patterns.toString())).isEqualTo(ExitCode.FAILED);
        assertThat(err()).contains(patterns.toString()).contains("spike").contains("not started");
    }

    @Test
    void runWithoutPatternFilesSaysWhatIsMissing() {
        assertThat(run("run", "--mqtt.broker-uris", "tcp://localhost:1"))
                .isEqualTo(ExitCode.FAILED);
        assertThat(err()).contains("'patterns.files' is required");
    }

    @Test
    void simulateIsTheSimulatorsCommandLine() {
        assertThat(run("simulate", "--rate", "fast")).isEqualTo(ExitCode.USAGE);
        assertThat(err()).isNotEmpty();
    }

    private int run(String... args) {
        return console.vigil(args);
    }

    private String out() {
        return console.out();
    }

    private String err() {
        return console.err();
    }
}

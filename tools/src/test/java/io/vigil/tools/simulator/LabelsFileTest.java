package io.vigil.tools.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelsFileTest {

    private static final Episode BURST =
            new Episode(
                    Episode.Kind.BURST,
                    "plant-a",
                    "mic-01",
                    "sound",
                    "sensors/plant-a/mic-01/sound",
                    1000,
                    4000,
                    4,
                    101.3,
                    5000,
                    null);

    @TempDir Path dir;

    @Test
    void roundTripsEveryEpisodeOfASimulation() throws IOException {
        FleetSimulation simulation =
                FleetSimulation.generate(
                        SimulationSpec.builder()
                                .setDuration(Duration.ofMinutes(15))
                                .setSeed(5)
                                .setMalformedShare(0.02)
                                .build());
        Path file = dir.resolve("nested/labels.jsonl");

        LabelsFile.write(file, simulation.episodes());

        assertThat(LabelsFile.read(file)).isEqualTo(simulation.episodes());
        assertThat(Files.readAllLines(file)).hasSize(simulation.episodes().size());
        assertThat(simulation.episodes())
                .extracting(Episode::kind)
                .contains(
                        Episode.Kind.BURST,
                        Episode.Kind.DRIFT,
                        Episode.Kind.SILENCE,
                        Episode.Kind.MALFORMED);
    }

    @Test
    void writesOneJsonObjectPerLineWithKeyTimesAndNullForMissingNumbers() throws IOException {
        Episode silence =
                new Episode(
                        Episode.Kind.SILENCE,
                        "plant-a",
                        "pump-01",
                        "temperature",
                        "sensors/plant-a/pump-01/temperature",
                        5000,
                        200000,
                        0,
                        Double.NaN,
                        200000,
                        null);
        Path file = dir.resolve("labels.jsonl");

        LabelsFile.write(file, List.of(BURST, silence));

        assertThat(Files.readAllLines(file))
                .containsExactly(
                        "{\"kind\":\"burst\",\"pattern\":\"sound-burst\","
                                + "\"key\":\"plant-a/mic-01/sound\",\"site\":\"plant-a\","
                                + "\"device\":\"mic-01\",\"metric\":\"sound\","
                                + "\"topic\":\"sensors/plant-a/mic-01/sound\",\"startedAt\":1000,"
                                + "\"endedAt\":4000,\"events\":4,\"peak\":101.3,"
                                + "\"resolvesAt\":5000,\"reason\":null}",
                        "{\"kind\":\"silence\",\"pattern\":\"sensor-silence\","
                                + "\"key\":\"plant-a/pump-01/temperature\","
                                + "\"site\":\"plant-a\",\"device\":\"pump-01\","
                                + "\"metric\":\"temperature\","
                                + "\"topic\":\"sensors/plant-a/pump-01/temperature\","
                                + "\"startedAt\":5000,\"endedAt\":200000,\"events\":0,"
                                + "\"peak\":null,\"resolvesAt\":200000,\"reason\":null}");
    }

    @Test
    void skipsBlankLines() throws IOException {
        Episode malformed =
                new Episode(
                        Episode.Kind.MALFORMED,
                        "plant-b",
                        "mic-02",
                        "sound",
                        "sensors/plant-b/mic-02",
                        7000,
                        7000,
                        1,
                        Double.NaN,
                        0,
                        "bad-topic");
        Path file = dir.resolve("labels.jsonl");
        Files.writeString(file, "\n" + LabelsFile.toJson(malformed) + "\n\n");

        assertThat(LabelsFile.read(file)).containsExactly(malformed);
    }

    @Test
    void namesTheFileAndLineOfABadLine() throws IOException {
        Path file = dir.resolve("bad.jsonl");
        Files.write(
                file,
                List.of(
                        "{\"kind\":\"burst\",\"site\":\"plant-a\"}",
                        "{\"kind\":\"spike\",\"site\":\"plant-a\"}"),
                StandardCharsets.UTF_8);

        assertThatThrownBy(() -> LabelsFile.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("line 1")
                .hasMessageContaining("field 'device' is missing");
        Files.write(file, List.of("{\"kind\":\"spike\"}"), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> LabelsFile.read(file))
                .hasMessageContaining("line 1")
                .hasMessageContaining("Unknown episode kind 'spike'");
        Files.write(file, List.of("[1, 2]"), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> LabelsFile.read(file))
                .hasMessageContaining("expected a JSON object");
        Files.write(file, List.of("{\"kind\":"), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> LabelsFile.read(file)).hasMessageContaining("line 1");
    }

    @Test
    void rejectsFieldsOfTheWrongType() throws IOException {
        String line =
                LabelsFile.toJson(BURST)
                        .replace("\"startedAt\":1000", "\"startedAt\":\"yesterday\"");
        Path file = dir.resolve("typed.jsonl");
        Files.writeString(file, line);

        assertThatThrownBy(() -> LabelsFile.read(file))
                .hasMessageContaining("field 'startedAt' is not a number");
        Files.writeString(file, line.replace("\"site\":\"plant-a\"", "\"site\":7"));
        assertThatThrownBy(() -> LabelsFile.read(file))
                .hasMessageContaining("field 'site' is not a string");
    }
}

package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real {@code ./vigil} script as a process, on the classes this Maven build has just
 * packaged: with {@code VIGIL_NO_BUILD=1}, or, to check when it builds, with a stand-in for Maven
 * (Maven itself must not run inside this Maven build).
 */
class VigilLauncherITCase {

    /** Failsafe runs in the module directory, jobs/. */
    private static final Path CHECKOUT = Path.of("").toAbsolutePath().getParent();

    private static final Path LAUNCHER = CHECKOUT.resolve("vigil");
    private static final Path DEFAULT_FILE = CHECKOUT.resolve("cep-patterns/patterns/default.yaml");

    @TempDir Path dir;

    @Test
    void validatesTheDefaultPatternsFromAnotherDirectory() throws Exception {
        Result result = run(dir, LAUNCHER, "validate", DEFAULT_FILE.toString());

        assertThat(result.exitCode).as(result.err).isEqualTo(0);
        assertThat(result.out)
                .isEqualTo(
                        "OK: "
                                + DEFAULT_FILE
                                + " (3 patterns: sound-burst, thermal-drift, sensor-silence)\n");
        assertThat(result.err).isEmpty();
    }

    @Test
    void readsRelativeFileArgumentsFromTheCallersDirectory() throws Exception {
        Files.writeString(
                dir.resolve("broken.yaml"),
                """
                patterns:
                  - name: loud
                    type: burst
                    metrics: [sound]
                    threshold: "85"
                    min-events: 3
                    within: 10s
                """);

        Result result = run(dir, LAUNCHER, "validate", "broken.yaml");

        assertThat(result.exitCode).isEqualTo(1);
        assertThat(result.out).isEmpty();
        assertThat(result.err)
                .startsWith("broken.yaml: pattern 'loud': field 'threshold': must be a number")
                .endsWith("INVALID: 1 error in 1 file\n");
    }

    @Test
    void exitsWithTwoOnAUsageError() throws Exception {
        Result result = run(dir, LAUNCHER, "validate");

        assertThat(result.exitCode).isEqualTo(2);
        assertThat(result.err).contains("Usage: vigil");
    }

    @Test
    void refusesToRunWithoutABuildWhenToldNotToBuild() throws Exception {
        Path copy = Files.copy(LAUNCHER, dir.resolve("vigil"));

        Result result = run(dir, copy, "validate", DEFAULT_FILE.toString());

        assertThat(result.exitCode).isEqualTo(1);
        assertThat(result.out).isEmpty();
        assertThat(result.err)
                .startsWith("vigil: VIGIL_NO_BUILD=1 but " + dir.resolve("tools/target"))
                .contains("holds no build of this checkout");
    }

    @Test
    void buildsOnFirstUseAndAgainOnlyWhenMainSourcesOrPomsChange() throws Exception {
        Path checkout = fakeCheckout("");
        Path launcher = checkout.resolve("vigil");
        Path mainSource = checkout.resolve("cep-patterns/src/main/java/Main.java");
        Path testSource = checkout.resolve("cep-patterns/src/test/java/MainTest.java");

        Result first = runBuilding(launcher, "validate", DEFAULT_FILE.toString());
        Result second = runBuilding(launcher, "validate", DEFAULT_FILE.toString());
        touchLater(testSource);
        Result afterTestEdit = runBuilding(launcher, "validate", DEFAULT_FILE.toString());
        touchLater(mainSource);
        Result afterMainEdit = runBuilding(launcher, "validate", DEFAULT_FILE.toString());
        touchLater(checkout.resolve("tools/pom.xml"));
        Result afterPomEdit = runBuilding(launcher, "help");

        assertThat(List.of(first, second, afterTestEdit, afterMainEdit, afterPomEdit))
                .extracting(Result::exitCode)
                .containsOnly(0);
        assertThat(first.out).startsWith("OK: " + DEFAULT_FILE);
        assertThat(first.err)
                .isEqualTo(
                        "vigil: building with Maven (first run, or the sources"
                                + " changed) ...\n");
        assertThat(second.err).isEmpty();
        assertThat(afterTestEdit.err).isEmpty();
        assertThat(afterMainEdit.err).startsWith("vigil: building");
        assertThat(afterPomEdit.err).startsWith("vigil: building");
        assertThat(afterPomEdit.out).contains("Usage: vigil");
        assertThat(Files.readAllLines(checkout.resolve("mvn-calls.txt")))
                .hasSize(3)
                .allSatisfy(
                        call ->
                                assertThat(call)
                                        .isEqualTo(
                                                "-q -B -DskipTests -Dspotless.check.skip=true"
                                                        + " -pl tools -am package"));
    }

    @Test
    void showsMavensOutputAndExitsOneWhenTheBuildFails() throws Exception {
        Path checkout = fakeCheckout("echo '[ERROR] COMPILATION ERROR in Main.java'; exit 1");

        Result failed = runBuilding(checkout.resolve("vigil"), "help");
        Result again = runBuilding(checkout.resolve("vigil"), "help");

        assertThat(failed.exitCode).isEqualTo(1);
        assertThat(failed.out).isEmpty();
        assertThat(failed.err)
                .contains("[ERROR] COMPILATION ERROR in Main.java")
                .endsWith("vigil: the build failed (see above)\n");
        assertThat(again.err).as("no stamp after a failed build").startsWith("vigil: building");
        assertThat(Files.readAllLines(checkout.resolve("mvn-calls.txt"))).hasSize(2);
    }

    /**
     * A checkout with the launcher and a stand-in {@code mvn} (given as {@code MVN}) that records
     * its arguments, runs {@code failure} (bash; empty for none), then "builds" by linking this
     * build's classes with a classpath that names the fake checkout.
     */
    private Path fakeCheckout(String failure) throws IOException {
        Path checkout = Files.createDirectory(dir.resolve("checkout"));
        Files.copy(LAUNCHER, checkout.resolve("vigil"));
        for (String file :
                List.of(
                        "pom.xml",
                        "tools/pom.xml",
                        "cep-patterns/pom.xml",
                        "cep-patterns/src/main/java/Main.java",
                        "cep-patterns/src/test/java/MainTest.java")) {
            Files.createDirectories(checkout.resolve(file).getParent());
            Files.writeString(checkout.resolve(file), "");
        }
        Path realTarget = CHECKOUT.resolve("tools/target");
        String script =
                String.format(
                        """
                        #!/usr/bin/env bash
                        echo "$*" >> mvn-calls.txt
                        %s
                        mkdir -p tools/target
                        ln -sfn '%s' tools/target/classes
                        echo "$PWD/cep-patterns/target/classes:$(<'%s')" \
                          > tools/target/classpath.txt
                        """,
                        failure,
                        realTarget.resolve("classes"),
                        realTarget.resolve("classpath.txt"));
        Path mvn = Files.writeString(checkout.resolve("fake-mvn"), script);
        mvn.toFile().setExecutable(true);
        return checkout;
    }

    /** Moves the file's time past the last build's stamp, as an edit after it would. */
    private static void touchLater(Path file) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plus(Duration.ofSeconds(10))));
    }

    private Result runBuilding(Path launcher, String... args)
            throws IOException, InterruptedException {
        return run(
                dir, launcher, Map.of("MVN", launcher.resolveSibling("fake-mvn").toString()), args);
    }

    private Result run(Path workingDir, Path launcher, String... args)
            throws IOException, InterruptedException {
        return run(workingDir, launcher, Map.of("VIGIL_NO_BUILD", "1"), args);
    }

    private Result run(Path workingDir, Path launcher, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .directory(workingDir.toFile())
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile());
        builder.environment().remove("VIGIL_NO_BUILD");
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("./vigil did not finish within 60 s: " + command);
        }
        return new Result(
                process.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private record Result(int exitCode, String out, String err) {}
}

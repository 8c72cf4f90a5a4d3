package io.vigil.tools.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks the demo makes before it starts anything: they fail with exit code 1 and a reason. */
class DemoStartupTest {

    /** Surefire runs in the module directory, jobs/. */
    private static final Path CHECKOUT = Path.of("").toAbsolutePath().getParent();

    @TempDir Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void clearHome() {
        System.clearProperty("vigil.home");
    }

    @Test
    void refusesAWebPortAskedForThatIsTaken() throws Exception {
        System.setProperty("vigil.home", CHECKOUT.toString());
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();

            int code = run("--web-port", Integer.toString(port), "--output", dir + "/x.lp");

            assertThat(code).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8))
                    .isEqualTo(
                            String.format(
                                    "vigil demo: port %d for the web UI is taken; choose another"
                                            + " with --web-port N%n",
                                    port));
            assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        }
    }

    @Test
    void namesThePatternFileItCannotFind() {
        System.setProperty("vigil.home", dir.toString());

        int code = run();

        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith(
                        "vigil demo: cannot find the pattern file "
                                + dir.resolve("cep-patterns/patterns/default.yaml"));
    }

    private int run(String... args) {
        return DemoSettingsTest.demo(out, err, args);
    }
}

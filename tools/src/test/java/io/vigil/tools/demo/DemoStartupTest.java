package io.vigil.tools.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.tools.CapturedConsole;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks the demo makes before it starts anything: they fail with exit code 1 and a reason. */
class DemoStartupTest {

    /** Surefire runs in the module directory, jobs/. */
    private static final Path CHECKOUT = Path.of("").toAbsolutePath().getParent();

    @TempDir Path dir;

    private final CapturedConsole console = new CapturedConsole();

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
            assertThat(console.err())
                    .isEqualTo(
                            String.format(
                                    "vigil demo: port %d for the web UI is taken; choose another"
                                            + " with --web-port N%n",
                                    port));
            assertThat(console.out()).isEmpty();
        }
    }

    @Test
    void namesThePatternFileItCannotFind() {
        System.setProperty("vigil.home", dir.toString());

        int code = run();

        assertThat(code).isEqualTo(1);
        assertThat(console.err())
                .startsWith(
                        "vigil demo: cannot find the pattern file "
                                + dir.resolve("cep-patterns/patterns/default.yaml"));
    }

    private int run(String... args) {
        return console.command("demo", args);
    }
}

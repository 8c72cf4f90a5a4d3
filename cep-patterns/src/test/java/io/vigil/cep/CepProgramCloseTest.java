package io.vigil.cep;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.cep.config.BurstSpec;
import io.vigil.testing.Await;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The programs that run a Flink CEP NFA release what its shared buffer holds outside Flink's state
 * when the engine closes: the thread it starts for cache statistics.
 */
class CepProgramCloseTest {

    @Test
    void closingTheEngineStopsTheSharedBufferThreadsItsProgramsStarted() throws Exception {
        Set<Thread> before = timerThreads();
        Set<Thread> started;
        try (EngineHarness harness =
                new EngineHarness(
                        new BurstPattern(TestPatterns.LOUD_BURST),
                        new BurstPattern(
                                new BurstSpec(
                                        "quiet-burst",
                                        "warning",
                                        List.of("sound"),
                                        30.0,
                                        null,
                                        3,
                                        Duration.ofSeconds(10))))) {
            started = timerThreads();
            started.removeAll(before);
            assertThat(started).as("one statistics thread per shared buffer").hasSize(2);
        }
        Await.until(
                () -> started.stream().noneMatch(Thread::isAlive),
                Duration.ofSeconds(10),
                () -> "shared buffer threads still running after close: " + started);
    }

    /** The live threads of {@link java.util.Timer}s, which name them {@code Timer-<n>}. */
    private static Set<Thread> timerThreads() {
        Set<Thread> timers = new HashSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.isAlive() && thread.getName().startsWith("Timer-")) {
                timers.add(thread);
            }
        }
        return timers;
    }
}

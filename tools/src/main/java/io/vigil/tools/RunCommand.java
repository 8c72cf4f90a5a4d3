package io.vigil.tools;

import io.vigil.job.JobConfigException;
import io.vigil.job.JobSetup;
import io.vigil.job.SensorAnalyticsJob;
import io.vigil.job.VigilJobOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.util.ExceptionUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code vigil run [--state-dir DIR] --config FILE [--key value ...]}: the job in this JVM on a
 * local mini cluster with its web UI, until it ends or the process is stopped, with the state
 * semantics of a cluster (see {@link LocalRun}) and the state and checkpoint settings of the
 * shipped {@code flink-conf/config.yaml} where the job's config does not set them ({@link
 * ShippedConfig}). The other arguments are the job's own, read by {@link JobSetup#fromArgs}; a bad
 * config or pattern file stops it before anything starts.
 */
@Command(
        name = "run",
        header = "run --config FILE [--key value ...]: the job on a local Flink mini cluster",
        description = {
            "run [--state-dir DIR] --config FILE [--key value ...]: run the job on a local Flink",
            "mini cluster with its web UI (rest.port, default 8081), against the broker and",
            "InfluxDB the config names; RocksDB state, checkpoints in DIR/checkpoints",
            "(default ./vigil-state; execution.checkpointing.dir overrides it)"
        })
final class RunCommand implements Callable<Integer> {

    /** Where a local run keeps its checkpoints and savepoints unless the config says otherwise. */
    static final Path DEFAULT_STATE_DIR = Path.of("vigil-state");

    @Spec private CommandSpec spec;

    @Option(names = "--state-dir", paramLabel = "DIR")
    private Path stateDir = DEFAULT_STATE_DIR;

    @Unmatched private final List<String> jobArgs = new ArrayList<>();

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        JobSetup setup;
        try {
            setup = JobSetup.fromArgs(jobArgs.toArray(String[]::new));
        } catch (JobConfigException e) {
            err.println(e.getMessage());
            err.println("vigil: not started: fix the configuration above");
            return ExitCode.FAILED;
        }
        Path shipped = ShippedConfig.installed();
        Configuration config =
                LocalRun.withLocalState(
                        shipped == null
                                ? setup.config()
                                : ShippedConfig.under(setup.config(), shipped),
                        stateDir);
        spec.commandLine()
                .getOut()
                .printf(
                        "vigil: state in %s (checkpoints %s, savepoints %s)%n",
                        stateDir.toAbsolutePath().normalize(),
                        config.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY),
                        config.get(CheckpointingOptions.SAVEPOINT_DIRECTORY))
                .flush();
        try (LocalRun run = LocalRun.start(config)) {
            JobID job =
                    run.submit(
                            env ->
                                    SensorAnalyticsJob.wire(
                                            env,
                                            setup,
                                            SensorAnalyticsJob.connectors(setup.config())),
                            setup.config().get(VigilJobOptions.JOB_NAME));
            JobResult result = run.awaitEnd(job);
            if (result.getSerializedThrowable().isPresent()) {
                err.println(
                        "vigil: the job failed: "
                                + ExceptionUtils.stringifyException(
                                        result.getSerializedThrowable().get()));
                return ExitCode.FAILED;
            }
            return ExitCode.OK;
        } catch (Exception e) {
            err.println("vigil: the job failed: " + ExceptionUtils.stringifyException(e));
            return ExitCode.FAILED;
        }
    }
}

package io.vigil.tools;

import io.vigil.job.JobConfigException;
import io.vigil.job.JobSetup;
import io.vigil.job.SensorAnalyticsJob;
import io.vigil.job.VigilJobOptions;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code vigil run --config FILE [--key value ...]}: the job in this JVM on a local mini cluster
 * with its web UI, until it ends or the process is stopped. The arguments are the job's own, read
 * by {@link JobSetup#fromArgs}; a bad config or pattern file stops it before anything starts.
 */
@Command(
        name = "run",
        header = "run --config FILE [--key value ...]: the job on a local Flink mini cluster",
        description = {
            "run --config FILE [--key value ...]: run the job on a local Flink mini cluster",
            "with its web UI (rest.port, default 8081), against the broker and InfluxDB the",
            "config names"
        })
final class RunCommand implements Callable<Integer> {

    @Spec private CommandSpec spec;

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
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(setup.config());
        try {
            SensorAnalyticsJob.wire(env, setup, SensorAnalyticsJob.connectors(setup.config()));
            env.execute(setup.config().get(VigilJobOptions.JOB_NAME));
            return ExitCode.OK;
        } catch (Exception e) {
            err.println("vigil: the job failed: " + ExceptionUtils.stringifyException(e));
            return ExitCode.FAILED;
        }
    }
}

package io.vigil.connectors.influxdb.sink.internal;

import io.vigil.connectors.influxdb.sink.InfluxDbPoint;
import io.vigil.connectors.influxdb.sink.InfluxDbPointConverter;
import io.vigil.connectors.influxdb.sink.InfluxDbRejectedPointHandler;
import io.vigil.connectors.influxdb.sink.InfluxDbSinkOptions;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobInfo;
import org.apache.flink.api.common.JobInfoImpl;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.TaskInfoImpl;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.metrics.testutils.MetricListener;
import org.apache.flink.runtime.metrics.groups.MetricsGroupTestUtils;
import org.apache.flink.streaming.runtime.tasks.StreamTaskActionExecutor;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;
import org.apache.flink.streaming.runtime.tasks.mailbox.MailboxExecutorImpl;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailboxImpl;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.flink.util.function.ThrowingRunnable;

/**
 * The writer on a task thread of its own with Flink's real mailbox, as in a sink operator: the
 * writer yields to its mailbox while it waits for InfluxDB, so it must only be called from that
 * thread ({@link #run}, {@link #start}). Answers come from a {@link ScriptedInfluxDbClient}.
 */
final class WriterFixture implements AutoCloseable {

    /** Points {@code m,k=v<n%2> x=<n>i} at {@code 1000 + n} ms. */
    static final InfluxDbPointConverter<Long> CONVERTER =
            n ->
                    InfluxDbPoint.builder("m")
                            .tag("k", "v" + (n % 2))
                            .field("x", n)
                            .timestamp(1000 + n)
                            .build();

    final ScriptedInfluxDbClient client = new ScriptedInfluxDbClient();
    final TestProcessingTimeService time = new TestProcessingTimeService();
    final MetricListener metrics = new MetricListener();
    private final ExecutorService task =
            Executors.newSingleThreadExecutor(r -> new Thread(r, "influxdb-writer-test-task"));
    private final MailboxExecutor mailbox;
    private final SinkWriterMetricGroup metricGroup =
            MetricsGroupTestUtils.mockWriterMetricGroup(metrics.getMetricGroup());
    private InfluxDbSinkWriter<Long> writer;

    WriterFixture() throws Exception {
        Thread taskThread = task.submit(Thread::currentThread).get();
        mailbox =
                new MailboxExecutorImpl(
                        new TaskMailboxImpl(taskThread), 0, StreamTaskActionExecutor.IMMEDIATE);
    }

    /** Options with quick retries, for the scripted client. */
    static Configuration options() {
        Configuration c = new Configuration();
        c.set(InfluxDbSinkOptions.URL, "http://127.0.0.1:1");
        c.set(InfluxDbSinkOptions.DATABASE, "test");
        c.set(InfluxDbSinkOptions.RETRY_INITIAL_BACKOFF, Duration.ofMillis(1));
        c.set(InfluxDbSinkOptions.RETRY_MAX_BACKOFF, Duration.ofMillis(5));
        return c;
    }

    InfluxDbSinkWriter<Long> open(Configuration config, InfluxDbRejectedPointHandler handler)
            throws Exception {
        return open(CONVERTER, config, handler, 0, List.of());
    }

    /** Creates the writer on the task thread, resolving the handler as the sink does. */
    InfluxDbSinkWriter<Long> open(
            InfluxDbPointConverter<Long> converter,
            Configuration config,
            InfluxDbRejectedPointHandler handler,
            int subtask,
            Collection<BufferedRequestState<InfluxDbLine>> restored)
            throws Exception {
        InfluxDbWriterSettings settings = InfluxDbWriterSettings.fromConfiguration(config);
        InfluxDbRejectedPointHandler resolved = settings.rejectedPointHandler(handler);
        run(
                () ->
                        writer =
                                new InfluxDbSinkWriter<>(
                                        new InfluxDbLineEncoder<>(
                                                converter, resolved == null, client.target()),
                                        settings,
                                        resolved,
                                        client,
                                        new Context(subtask),
                                        restored));
        return writer;
    }

    /** Runs the action on the task thread. */
    CompletableFuture<Void> start(ThrowingRunnable<Exception> action) {
        return CompletableFuture.runAsync(ThrowingRunnable.unchecked(action), task);
    }

    /** Runs the action on the task thread and waits, throwing what it threw. */
    void run(ThrowingRunnable<Exception> action) throws Exception {
        try {
            task.submit(
                            () -> {
                                action.run();
                                return null;
                            })
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        }
    }

    void write(long from, long to) throws Exception {
        run(() -> writeOnTask(from, to));
    }

    void writeOnTask(long from, long to) throws Exception {
        for (long n = from; n < to; n++) {
            writer.write(n, null);
        }
    }

    void flush() throws Exception {
        run(() -> writer.flush(false));
    }

    /** Advances processing time on the task thread, where Flink fires timers too. */
    void advanceTime(long millis) throws Exception {
        run(() -> time.advance(millis));
    }

    long counter(String name) {
        return metrics.getCounter("influxdb", name).orElseThrow().getCount();
    }

    @Override
    public void close() throws Exception {
        if (writer != null) {
            run(writer::close);
        }
        task.shutdownNow();
    }

    /** What the writer takes from its operator: this fixture's mailbox, time and metrics. */
    private final class Context implements WriterInitContext {

        private final int subtask;

        Context(int subtask) {
            this.subtask = subtask;
        }

        @Override
        public UserCodeClassLoader getUserCodeClassLoader() {
            return SimpleUserCodeClassLoader.create(getClass().getClassLoader());
        }

        @Override
        public MailboxExecutor getMailboxExecutor() {
            return mailbox;
        }

        @Override
        public ProcessingTimeService getProcessingTimeService() {
            return time;
        }

        @Override
        public SinkWriterMetricGroup metricGroup() {
            return metricGroup;
        }

        @Override
        public SerializationSchema.InitializationContext
                asSerializationSchemaInitializationContext() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isObjectReuseEnabled() {
            return false;
        }

        @Override
        public <IN> TypeSerializer<IN> createInputSerializer() {
            throw new UnsupportedOperationException();
        }

        @Override
        public <MetaT> Optional<Consumer<MetaT>> metadataConsumer() {
            return Optional.empty();
        }

        @Override
        public OptionalLong getRestoredCheckpointId() {
            return OptionalLong.empty();
        }

        @Override
        public JobInfo getJobInfo() {
            return new JobInfoImpl(new JobID(), "test");
        }

        @Override
        public TaskInfo getTaskInfo() {
            return new TaskInfoImpl("influxdb-sink", 1000, subtask, 1000, 0);
        }
    }
}

package io.vigil.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A sink for MiniCluster tests that keeps every element in a JVM-wide queue the test reads during
 * or after the job; one instance per stream under test. The queue outlives restarts of the job, so
 * a test sees what a failover delivers twice.
 */
public final class CollectingSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;

    private static final Map<String, Queue<Object>> RESULTS = new ConcurrentHashMap<>();

    private final String id;

    public CollectingSink() {
        this(UUID.randomUUID().toString());
    }

    /** A sink whose elements {@link #results(String)} returns by {@code id}. */
    public CollectingSink(String id) {
        this.id = id;
        RESULTS.put(id, new ConcurrentLinkedQueue<>());
    }

    /** Everything this sink received so far, duplicates included. */
    public List<T> results() {
        return results(id);
    }

    /** Everything the sink named {@code id} received so far (nothing for an unknown id). */
    @SuppressWarnings("unchecked")
    public static <T> List<T> results(String id) {
        return new ArrayList<>((Queue<T>) RESULTS.getOrDefault(id, new ConcurrentLinkedQueue<>()));
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        Queue<Object> queue = RESULTS.get(id);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context context) {
                queue.add(element);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}

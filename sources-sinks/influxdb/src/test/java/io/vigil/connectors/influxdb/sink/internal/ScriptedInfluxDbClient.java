package io.vigil.connectors.influxdb.sink.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A hand-written stand-in for InfluxDB's {@code /write} endpoint: answers with scripted responses
 * (204 when the script is empty), records every request, and can hold requests to play a slow
 * server.
 */
final class ScriptedInfluxDbClient implements InfluxDbWriteClient {

    /** One request as received. */
    static final class Request {
        final String body;

        Request(String body) {
            this.body = body;
        }

        List<String> lines() {
            return List.of(body.split("\n"));
        }
    }

    private final Deque<Object> script = new ArrayDeque<>();
    private final List<Request> requests = new ArrayList<>();
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private volatile boolean closed;

    synchronized ScriptedInfluxDbClient thenRespond(int status, String body) {
        script.add(new WriteResponse(status, body, null));
        return this;
    }

    synchronized ScriptedInfluxDbClient thenRespond(int status, String body, Duration retryAfter) {
        script.add(new WriteResponse(status, body, retryAfter));
        return this;
    }

    synchronized ScriptedInfluxDbClient thenFail(IOException e) {
        script.add(e);
        return this;
    }

    /** Holds every request until {@link #open()}. */
    void hold() {
        gate = new CountDownLatch(1);
    }

    void open() {
        gate.countDown();
    }

    @Override
    public WriteResponse write(String lines) throws IOException {
        synchronized (this) {
            requests.add(new Request(lines));
        }
        try {
            if (!gate.await(30, TimeUnit.SECONDS)) {
                throw new IOException("held for too long");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        Object next;
        synchronized (this) {
            next = script.poll();
        }
        if (next instanceof IOException) {
            throw (IOException) next;
        }
        return next == null ? new WriteResponse(204, "", null) : (WriteResponse) next;
    }

    synchronized List<Request> requests() {
        return new ArrayList<>(requests);
    }

    /** Waits until at least {@code count} requests arrived, for asynchronous sends. */
    List<Request> awaitRequests(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            List<Request> now = requests();
            if (now.size() >= count) {
                return now;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("Expected " + count + " requests, got " + requests().size());
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public String target() {
        return "scripted://influxdb (database 'test')";
    }

    @Override
    public void close() {
        closed = true;
        open();
    }
}

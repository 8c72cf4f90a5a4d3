package io.vigil.connectors.mqtt.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HandOverQueueTest {

    @Test
    void wakesTheReaderWhenAnElementArrives() throws Exception {
        HandOverQueue<String> queue = new HandOverQueue<>(2);
        CompletableFuture<Void> available = queue.availability();
        assertThat(available).isNotDone();

        queue.put("a", () -> false);

        assertThat(available).isDone();
        assertThat(queue.waits()).isZero();
        assertThat(queue.poll()).isEqualTo("a");
        assertThat(queue.availability()).isNotDone();
    }

    @Test
    void anAvailabilityAskedForAfterThePutIsAlreadyComplete() throws Exception {
        HandOverQueue<String> queue = new HandOverQueue<>(2);
        queue.availability();
        queue.put("a", () -> false);
        queue.poll();
        queue.put("b", () -> false);

        assertThat(queue.availability()).isDone();
    }

    @Test
    void aFullQueueMakesTheProducerWaitInsteadOfDroppingOrGrowing() throws Exception {
        HandOverQueue<String> queue = new HandOverQueue<>(1);
        queue.put("a", () -> false);
        CompletableFuture<Boolean> second =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return queue.put("b", () -> false);
                            } catch (InterruptedException e) {
                                throw new IllegalStateException(e);
                            }
                        });

        Thread.sleep(300);
        assertThat(second).isNotDone();
        assertThat(queue.size()).isEqualTo(1);

        assertThat(queue.waits()).isEqualTo(1);
        assertThat(queue.poll()).isEqualTo("a");
        assertThat(second.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(queue.poll()).isEqualTo("b");
    }

    @Test
    void aWaitingProducerGivesUpWhenTheReaderCloses() throws Exception {
        HandOverQueue<String> queue = new HandOverQueue<>(1);
        queue.put("a", () -> false);
        AtomicBoolean closed = new AtomicBoolean();
        CompletableFuture<Boolean> second =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return queue.put("b", closed::get);
                            } catch (InterruptedException e) {
                                throw new IllegalStateException(e);
                            }
                        });

        closed.set(true);

        assertThat(second.get(5, TimeUnit.SECONDS)).isFalse();
        assertThat(queue.size()).isEqualTo(1);
        assertThat(queue.capacity()).isEqualTo(1);
    }
}

package io.dualrepo.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ThreadCounterTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void countsEveryIncrementOfManyThreadsAddingAtOnce() throws InterruptedException {
        ThreadCounter counter = ThreadCounter.register(registry, "calls", Tags.of("side", "old"), "calls");
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(started(() -> {
                await(start);
                for (int i = 0; i < 100_000; i++) {
                    counter.increment();
                }
            }));
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(counter.sum()).isEqualTo(800_000);
        assertThat(registry.get("calls").tag("side", "old").functionCounter().count()).isEqualTo(800_000);
    }

    @Test
    void keepsTheCountsOfEndedThreadsWithoutKeepingTheirCells() throws InterruptedException {
        ThreadCounter counter = ThreadCounter.register(registry, "calls", Tags.empty(), "calls");
        for (int t = 0; t < 500; t++) {
            Thread thread = started(() -> {
                for (int i = 0; i < 10; i++) {
                    counter.increment();
                }
            });
            thread.join();
        }

        // New cells sweep ended ones once they have doubled the list, so it never holds 500.
        assertThat(counter.cells()).isLessThanOrEqualTo(128);
        assertThat(counter.sum()).isEqualTo(5_000);
        assertThat(counter.cells()).isZero();
        counter.increment();
        assertThat(counter.sum()).isEqualTo(5_001);
    }

    @Test
    void twoRegistrationsOfOneMeterCountIntoWhatTheMeterReads() {
        // Two DualRepo runtimes on one registry (the global registry is the default) register the same meters.
        ThreadCounter first = ThreadCounter.register(registry, "calls", Tags.of("side", "new"), "calls");
        ThreadCounter second = ThreadCounter.register(registry, "calls", Tags.of("side", "new"), "calls");
        first.increment();
        second.increment();

        assertThat(second).isSameAs(first);
        assertThat(registry.get("calls").tag("side", "new").functionCounter().count()).isEqualTo(2);
        SimpleMeterRegistry other = new SimpleMeterRegistry();
        assertThat(ThreadCounter.register(other, "calls", Tags.of("side", "new"), "calls")).isNotSameAs(first);
    }

    @Test
    void aMeterRemovedAndRegisteredAgainReadsTheNewCounter() {
        ThreadCounter first = ThreadCounter.register(registry, "calls", Tags.empty(), "calls");
        first.increment();
        registry.remove(registry.get("calls").functionCounter());

        ThreadCounter second = ThreadCounter.register(registry, "calls", Tags.empty(), "calls");
        second.increment();
        second.increment();

        assertThat(second).isNotSameAs(first);
        FunctionCounter meter = registry.get("calls").functionCounter();
        assertThat(meter.count()).isEqualTo(2);
    }

    private static Thread started(Runnable task) {
        Thread thread = new Thread(task);
        thread.start();
        return thread;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

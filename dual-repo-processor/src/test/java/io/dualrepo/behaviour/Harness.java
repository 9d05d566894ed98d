package io.dualrepo.behaviour;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.compare.ComparisonResult;
import io.dualrepo.metrics.DualRepoMetrics;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.RouteSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/** Two in-memory order models behind a generated decorator, with a real meter registry and captured logs. */
final class Harness implements AutoCloseable {

    final ConcurrentLinkedQueue<InMemoryOrders.Touch> touches = new ConcurrentLinkedQueue<>();
    final java.util.Map<String, ConcurrentLinkedQueue<Side>> sidesByArgument =
            new java.util.concurrent.ConcurrentHashMap<>();
    final InMemoryOrders oldModel = new InMemoryOrders(Side.OLD, touches, sidesByArgument);
    final InMemoryOrders newModel = new InMemoryOrders(Side.NEW, touches, sidesByArgument);
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final InMemoryRouteSource routes = InMemoryRouteSource.create();
    final ConcurrentLinkedQueue<ComparisonResult> comparisons = new ConcurrentLinkedQueue<>();
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    final DualRepo dualRepo;
    final OrderRepository orders;

    Harness(Consumer<DualRepo.Builder> settings) {
        this(null, settings);
    }

    Harness(RouteSource routeSource, Consumer<DualRepo.Builder> settings) {
        logs.start();
        for (String name : List.of("io.dualrepo")) {
            ((Logger) LoggerFactory.getLogger(name)).addAppender(logs);
        }
        DualRepo.Builder builder = DualRepo.builder()
                .routeSource(routeSource == null ? routes : routeSource)
                .meterRegistry(registry)
                .onComparison(comparisons::add)
                // These tests are about routing mechanics and set stages in any order; TransitionsTest turns the
                // record's rules back on.
                .enforceTransitions(false);
        settings.accept(builder);
        dualRepo = builder.build();
        orders = new DualOrderRepository(oldModel, newModel, dualRepo);
    }

    List<InMemoryOrders.Touch> touchesOf(String method) {
        return touches.stream().filter(t -> t.method().equals(method)).toList();
    }

    List<Side> sidesOf(String method) {
        return touchesOf(method).stream().map(InMemoryOrders.Touch::side).toList();
    }

    double comparisons(String method, String outcome) {
        Counter counter = registry.find(DualRepoMetrics.COMPARISONS)
                .tags(DualRepoMetrics.TAG_REPOSITORY, "orders", DualRepoMetrics.TAG_METHOD, method,
                        DualRepoMetrics.TAG_OUTCOME, outcome)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    double skipped(String method, String reason) {
        Counter counter = registry.find(DualRepoMetrics.COMPARISONS_SKIPPED)
                .tags(DualRepoMetrics.TAG_METHOD, method, DualRepoMetrics.TAG_REASON, reason)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    long calls(String method, Side side, String outcome) {
        FunctionCounter calls = registry.find(DualRepoMetrics.CALLS)
                .tags(DualRepoMetrics.TAG_REPOSITORY, "orders", DualRepoMetrics.TAG_METHOD, method,
                        DualRepoMetrics.TAG_SIDE, side.tag(), DualRepoMetrics.TAG_OUTCOME, outcome)
                .functionCounter();
        return calls == null ? 0 : (long) calls.count();
    }

    double counter(String name, String... tags) {
        Counter counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    List<String> logLines(String loggerName) {
        List<ILoggingEvent> events;
        // The comparison threads log while a test polls: the appender adds under its own lock, so copy under it.
        synchronized (logs) {
            events = List.copyOf(logs.list);
        }
        return events.stream()
                .filter(e -> e.getLoggerName().equals(loggerName))
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    /** Waits for an asynchronous effect; fails the test if it does not happen within ten seconds. */
    static void eventually(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("did not happen within 10 s: " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + what, e);
            }
        }
    }

    @Override
    public void close() {
        dualRepo.close();
        ((Logger) LoggerFactory.getLogger("io.dualrepo")).detachAppender(logs);
    }
}

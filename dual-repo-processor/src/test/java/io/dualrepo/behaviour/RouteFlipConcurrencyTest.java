package io.dualrepo.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.ComparisonMode;
import io.dualrepo.Side;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.RouteSource;
import io.dualrepo.routing.Stage;
import io.dualrepo.routing.WriteTargets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Flipping the route from another thread while eight threads call the decorator never produces a call that
 * mixes two routes: every call consults the source once (twice when the route it got differs from the one in force:
 * the guard reads the source again under its lock, and that answer decides), and touches exactly the sides of the
 * route it took, in that route's order.
 */
class RouteFlipConcurrencyTest {

    private static final int CALLERS = 8;
    private static final int CALLS_PER_CALLER = 3_000;

    /** Hands out a flipping route and remembers, per calling thread, what it handed out during the current call. */
    static final class FlippingSource implements RouteSource {
        final AtomicReference<Route> current = new AtomicReference<>(Stage.OLD_ONLY.route());
        final ThreadLocal<List<Route>> handedOut = ThreadLocal.withInitial(ArrayList::new);

        @Override
        public Optional<Route> route(String repository, String routingKey) {
            Route route = current.get();
            handedOut.get().add(route);
            return Optional.of(route);
        }
    }

    record Violation(String call, List<Route> routes, List<Side> touched) {}

    @Test
    void noCallMixesTwoRoutesWhileTheRouteFlipsUnderLoad() throws Exception {
        FlippingSource source = new FlippingSource();
        List<Route> cycle = List.of(Stage.OLD_ONLY, Stage.DUAL_WRITE, Stage.SHADOW, Stage.LIVE, Stage.RAMPDOWN,
                        Stage.NEW_ONLY, Stage.RAMPDOWN, Stage.LIVE, Stage.SHADOW, Stage.DUAL_WRITE)
                .stream().map(Stage::route).toList();
        ConcurrentLinkedQueue<Violation> violations = new ConcurrentLinkedQueue<>();
        Map<Route, Integer> callsPerRoute = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();

        try (Harness harness = new Harness(source, b -> b.comparisonMode(ComparisonMode.SYNC))) {
            Thread flipper = new Thread(() -> {
                int i = 0;
                while (!stop.get()) {
                    source.current.set(cycle.get(i++ % cycle.size()));
                    LockSupport.parkNanos(20_000);
                }
            });
            flipper.start();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> callers = new ArrayList<>();
            for (int c = 0; c < CALLERS; c++) {
                int caller = c;
                Thread thread = new Thread(() -> {
                    awaitQuietly(start);
                    for (int i = 0; i < CALLS_PER_CALLER; i++) {
                        String id = "c" + caller + "-" + i;
                        boolean write = i % 2 == 0;
                        source.handedOut.get().clear();
                        if (write) {
                            harness.orders.save(Order.of(id, "customer"));
                        } else {
                            harness.orders.findById(id);
                        }
                        List<Route> routes = List.copyOf(source.handedOut.get());
                        List<Side> touched = List.copyOf(
                                harness.sidesByArgument.getOrDefault(id, new ConcurrentLinkedQueue<>()));
                        Route taken = routes.isEmpty() ? null : routes.get(routes.size() - 1);
                        if (routes.isEmpty() || routes.size() > 2 || !touched.equals(expectedSides(taken, write))) {
                            violations.add(new Violation(id, routes, touched));
                        } else {
                            callsPerRoute.merge(taken, 1, Integer::sum);
                        }
                    }
                });
                callers.add(thread);
                thread.start();
            }
            start.countDown();
            for (Thread thread : callers) {
                thread.join();
            }
            stop.set(true);
            flipper.join();
        }

        assertThat(violations).isEmpty();
        assertThat(callsPerRoute.values().stream().mapToInt(Integer::intValue).sum())
                .isEqualTo(CALLERS * CALLS_PER_CALLER);
        // The flips really interleaved with the calls: every distinct route in the cycle served some calls.
        assertThat(callsPerRoute.keySet()).containsExactlyInAnyOrderElementsOf(
                cycle.stream().collect(Collectors.toSet()));
    }

    private static List<Side> expectedSides(Route route, boolean write) {
        Side primary = route.primary();
        boolean secondaryToo = write ? route.write() == WriteTargets.BOTH : route.compare().isOn();
        return secondaryToo ? List.of(primary, primary.other()) : List.of(primary);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

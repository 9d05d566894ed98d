package io.dualrepo.repositories;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dualrepo.ComparisonMode;
import io.dualrepo.DualRepo;
import io.dualrepo.metrics.CoreMeters;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Stage;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.DoublePredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The comparison budget on a real runtime: while the new model's reads compete with the caller's (a lock both take,
 * standing for scarce cores or a shared database), the share of reads compared falls and the skipped ones are
 * counted; once they stop competing, it rises again. Shares are waited for with a bound, never timed.
 */
class BudgetedComparisonsTest {

    private static final Duration BOUND = Duration.ofSeconds(60);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final InMemoryRouteSource routes = InMemoryRouteSource.create();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final ReentrantLock sharedCores = new ReentrantLock();
    private volatile boolean competing = true;
    private DualRepo dualRepo;

    @BeforeEach
    void captureLogs() {
        logs.start();
        ((Logger) LoggerFactory.getLogger("io.dualrepo")).addAppender(logs);
    }

    @AfterEach
    void close() {
        if (dualRepo != null) {
            dualRepo.close();
        }
        ((Logger) LoggerFactory.getLogger("io.dualrepo")).detachAppender(logs);
    }

    @Test
    void comparisonsThatSlowTheCallersReadsAreCutBackAndComeBackWhenTheyStop() {
        dualRepo = DualRepo.builder().routeSource(routes).meterRegistry(registry).enforceTransitions(false)
                // A budget of +100 %: the contention below makes the caller's p99 many times slower, while the windows
                // the budget sets against each other on a crowded machine (a CI build beside this) differ by more
                // than +10 % by chance, which would hold the share where it is (ComparisonBudgetTest has the margins).
                .comparisonMode(ComparisonMode.ASYNC).comparisonBudget(1.0)
                .comparisonBudgetWindow(Duration.ofMillis(100)).build();
        Shelf shelf = new DualShelf("shelf", new Contended(false), new Contended(true), dualRepo);
        routes.set("shelf", Stage.SHADOW);
        assertThat(dualRepo.comparisonShare()).isEqualTo(1.0);

        readUntil(shelf, share -> share <= 0.25);
        assertThat(dualRepo.comparisonShare()).as("share while NEW's reads hold the caller's up").isLessThan(0.3);
        assertThat(skippedForBudget()).isPositive();
        assertThat(changes("down")).isGreaterThanOrEqualTo(2);
        assertThat(registry.get(CoreMeters.COMPARISON_SHARE.meterName()).gauge().value())
                .isEqualTo(dualRepo.comparisonShare());
        assertThat(messages()).anySatisfy(line -> assertThat(line).startsWith(
                "comparisons: share of sampled reads compared lowered from 100% to 50%").contains("(budget +100%)"));

        competing = false;
        double low = dualRepo.comparisonShare();
        readUntil(shelf, share -> share >= Math.min(1, low + 0.2));
        assertThat(dualRepo.comparisonShare()).as("share once NEW's reads no longer compete")
                .isGreaterThanOrEqualTo(low + 0.15);
        assertThat(changes("up")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void withoutABudgetEveryReadIsComparedAndNoBudgetMeterIsRegistered() {
        dualRepo = DualRepo.builder().routeSource(routes).meterRegistry(registry).enforceTransitions(false)
                .comparisonMode(ComparisonMode.ASYNC).build();
        Shelf shelf = new DualShelf("shelf", new Contended(false), new Contended(true), dualRepo);
        routes.set("shelf", Stage.SHADOW);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (System.nanoTime() < deadline) {
            shelf.find("a");
            LockSupport.parkNanos(50_000);
        }
        assertThat(dualRepo.comparisonShare()).isEqualTo(1.0);
        assertThat(skippedForBudget()).isZero();
        assertThat(Search.in(registry).name(CoreMeters.COMPARISON_SHARE.meterName()).meters()).isEmpty();
    }

    /** Reads paced 50 µs apart, as a service not at saturation sends them, until the share passes the test. */
    private void readUntil(Shelf shelf, DoublePredicate done) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!done.test(dualRepo.comparisonShare()) && System.nanoTime() < deadline) {
            assertThat(shelf.find("a")).isPresent();
            LockSupport.parkNanos(50_000);
        }
    }

    private double skippedForBudget() {
        return Search.in(registry).name(CoreMeters.COMPARISONS_SKIPPED.meterName()).tag("reason", "budget")
                .counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private double changes(String direction) {
        return registry.get(CoreMeters.COMPARISON_SHARE_CHANGES.meterName()).tag("direction", direction).counter()
                .count();
    }

    private List<String> messages() {
        synchronized (logs) {
            return logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    /** A model whose reads take the shared lock; the new model's hold it for a millisecond while competing. */
    private final class Contended implements Shelf {

        private final boolean holds;

        Contended(boolean holds) {
            this.holds = holds;
        }

        @Override
        public Optional<Item> find(String id) {
            sharedCores.lock();
            try {
                if (holds && competing) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
            } finally {
                sharedCores.unlock();
            }
            return Optional.of(new Item(id, "owner", "ssn"));
        }

        @Override
        public void put(Item item) {
            throw new UnsupportedOperationException("reads only");
        }
    }
}

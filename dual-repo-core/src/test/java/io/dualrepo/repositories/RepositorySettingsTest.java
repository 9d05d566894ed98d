package io.dualrepo.repositories;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dualrepo.CircuitState;
import io.dualrepo.ComparisonMode;
import io.dualrepo.DualRepo;
import io.dualrepo.MismatchException;
import io.dualrepo.compare.ComparisonResult;
import io.dualrepo.compare.Difference;
import io.dualrepo.compare.Outcome;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Stage;
import io.dualrepo.write.SecondaryWriteFailurePolicy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * One repository's own settings ({@code DualRepo.Builder.repository}) apply to its decorator and to no other: two
 * repositories of the same interface on one runtime, {@code own} with settings of its own and {@code plain} without,
 * get the same calls and must behave differently exactly where the settings differ.
 */
class RepositorySettingsTest {

    private static final String OWN = "own";
    private static final String PLAIN = "plain";

    private final InMemoryRouteSource routes = InMemoryRouteSource.create();
    private final ConcurrentLinkedQueue<ComparisonResult> comparisons = new ConcurrentLinkedQueue<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final InMemoryShelf ownOld = new InMemoryShelf();
    private final InMemoryShelf ownNew = new InMemoryShelf();
    private final InMemoryShelf plainOld = new InMemoryShelf();
    private final InMemoryShelf plainNew = new InMemoryShelf();
    private DualRepo dualRepo;
    private Shelf own;
    private Shelf plain;

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

    /** Both repositories at {@code stage}, on a runtime with {@code settings}. */
    private void start(Stage stage, Consumer<DualRepo.Builder> settings) {
        DualRepo.Builder builder = DualRepo.builder()
                .routeSource(routes)
                .onComparison(comparisons::add)
                .enforceTransitions(false);
        settings.accept(builder);
        dualRepo = builder.build();
        own = new DualShelf(OWN, ownOld, ownNew, dualRepo);
        plain = new DualShelf(PLAIN, plainOld, plainNew, dualRepo);
        routes.set(OWN, stage).set(PLAIN, stage);
    }

    private void putInBoth(Item oldItem, Item newItem) {
        ownOld.items.put(oldItem.id(), oldItem);
        plainOld.items.put(oldItem.id(), oldItem);
        ownNew.items.put(newItem.id(), newItem);
        plainNew.items.put(newItem.id(), newItem);
    }

    private List<ComparisonResult> comparisonsOf(String repository) {
        return comparisons.stream().filter(c -> c.repository().equals(repository)).toList();
    }

    private long outcomes(String repository, Outcome outcome) {
        return comparisonsOf(repository).stream().filter(c -> c.outcome() == outcome).count();
    }

    @Test
    void aRepositoryComparesOnTheCallersThreadWhileTheOtherStaysAsynchronous() {
        start(Stage.SHADOW, b -> b.comparisonMode(ComparisonMode.ASYNC)
                .repository(OWN, r -> r.comparisonMode(ComparisonMode.SYNC)));
        putInBoth(new Item("i-1", "ann", "1"), new Item("i-1", "ann", "1"));
        String caller = Thread.currentThread().getName();

        own.find("i-1");
        // Synchronous: compared before the call returned, on this thread.
        assertThat(ownNew.readingThreads).containsExactly(caller);
        assertThat(outcomes(OWN, Outcome.MATCH)).isEqualTo(1);

        plain.find("i-1");
        eventually("plain's match", () -> outcomes(PLAIN, Outcome.MATCH) == 1);
        assertThat(plainNew.readingThreads).singleElement()
                .satisfies(thread -> assertThat(thread).startsWith("dualrepo-shadow-"));
    }

    @Test
    void aStrictRepositoryThrowsOnAMismatchThatTheOtherOnlyReports() {
        start(Stage.SHADOW, b -> b.comparisonMode(ComparisonMode.SYNC)
                .repository(OWN, r -> r.comparisonMode(ComparisonMode.STRICT)));
        putInBoth(new Item("i-1", "ann", "1"), new Item("i-1", "bob", "1"));

        assertThatThrownBy(() -> own.find("i-1")).isInstanceOf(MismatchException.class);
        assertThat(plain.find("i-1")).contains(new Item("i-1", "ann", "1"));
        assertThat(outcomes(PLAIN, Outcome.MISMATCH)).isEqualTo(1);
    }

    @Test
    void aRepositoryTimesOutAtItsOwnTimeoutWhileTheOtherKeepsWaiting() {
        CountDownLatch release = new CountDownLatch(1);
        start(Stage.SHADOW, b -> b.comparisonMode(ComparisonMode.ASYNC).comparisonThreads(2)
                .comparisonTimeout(Duration.ofSeconds(30))
                .repository(OWN, r -> r.comparisonTimeout(Duration.ofMillis(100))));
        putInBoth(new Item("i-1", "ann", "1"), new Item("i-1", "ann", "1"));
        ownNew.blockReadsUntil = release;
        plainNew.blockReadsUntil = release;
        try {
            plain.find("i-1");
            own.find("i-1");

            eventually("own's timeout", () -> outcomes(OWN, Outcome.TIMEOUT) == 1);
            // Plain's read has hung as long as own's and more, and its 30 s are far from over.
            eventually("plain's read started", () -> !plainNew.readingThreads.isEmpty());
            assertThat(comparisonsOf(PLAIN)).isEmpty();
        } finally {
            release.countDown();
        }
        eventually("plain's match once released", () -> outcomes(PLAIN, Outcome.MATCH) == 1);
        assertThat(outcomes(PLAIN, Outcome.TIMEOUT)).isZero();
    }

    @Test
    void aRepositorysBreakerOpensAtItsOwnThresholdWhileTheOtherStaysClosed() {
        // The default breaker judges no fewer than 20 reads; own's window is 4.
        start(Stage.SHADOW, b -> b.comparisonMode(ComparisonMode.ASYNC).comparisonThreads(1)
                .circuitBreaker(50, 100, Duration.ofMinutes(5))
                .repository(OWN, r -> r.circuitBreaker(50, 4, Duration.ofMinutes(5))));
        putInBoth(new Item("i-1", "ann", "1"), new Item("i-1", "ann", "1"));
        ownNew.failReads = new IllegalStateException("own's new model is down");
        plainNew.failReads = new IllegalStateException("plain's new model is down");

        for (int i = 1; i <= 4; i++) {
            int done = i;
            own.find("i-1");
            plain.find("i-1");
            eventually("comparison " + done, () -> outcomes(OWN, Outcome.SECONDARY_ERROR) == done
                    && outcomes(PLAIN, Outcome.SECONDARY_ERROR) == done);
        }

        assertThat(dualRepo.circuitState(OWN)).isEqualTo(CircuitState.OPEN);
        assertThat(dualRepo.circuitState(PLAIN)).isEqualTo(CircuitState.CLOSED);
        assertThat(dualRepo.circuitBreakerRegistry().circuitBreaker("dualrepo-" + OWN).getCircuitBreakerConfig()
                .getSlidingWindowSize()).isEqualTo(4);
        assertThat(dualRepo.circuitBreakerRegistry().circuitBreaker("dualrepo-" + PLAIN).getCircuitBreakerConfig()
                .getSlidingWindowSize()).isEqualTo(100);
        own.find("i-1");
        assertThat(comparisonsOf(OWN)).last().satisfies(c -> assertThat(c.outcome()).isEqualTo(Outcome.SKIPPED));
    }

    @Test
    void theBreakersAreMadeInTheApplicationsRegistryWithDualReposConfigurationNotTheRegistrysDefault() {
        CircuitBreakerRegistry application = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowSize(7).build());
        start(Stage.SHADOW, b -> b.circuitBreakerRegistry(application).circuitBreaker(50, 100, Duration.ofMinutes(5))
                .repository(OWN, r -> r.circuitBreaker(50, 4, Duration.ofMinutes(5))));
        putInBoth(new Item("i-1", "ann", "1"), new Item("i-1", "ann", "1"));

        own.find("i-1");
        plain.find("i-1");

        assertThat(dualRepo.circuitBreakerRegistry()).isSameAs(application);
        assertThat(application.find("dualrepo-" + OWN)).hasValueSatisfying(breaker ->
                assertThat(breaker.getCircuitBreakerConfig().getSlidingWindowSize()).isEqualTo(4));
        assertThat(application.find("dualrepo-" + PLAIN)).hasValueSatisfying(breaker ->
                assertThat(breaker.getCircuitBreakerConfig().getSlidingWindowSize()).isEqualTo(100));
        // Forced open through the application's registry, the breaker skips the next comparison.
        application.circuitBreaker("dualrepo-" + PLAIN).transitionToForcedOpenState();
        plain.find("i-1");
        eventually("the skipped comparison", () -> outcomes(PLAIN, Outcome.SKIPPED) == 1);
        try (DualRepo copy = DualRepo.builder().from(dualRepo.settings()).build()) {
            assertThat(copy.circuitBreakerRegistry()).isSameAs(application);
        }
    }

    @Test
    void aRepositoryWithItsOwnPolicyFailsTheWriteThatTheOtherRecordsAndContinues() {
        start(Stage.DUAL_WRITE, b -> b.secondaryWriteFailurePolicy(SecondaryWriteFailurePolicy.RECORD_AND_CONTINUE)
                .repository(OWN, r -> r.secondaryWriteFailurePolicy(SecondaryWriteFailurePolicy.FAIL_CALL)));
        IllegalStateException down = new IllegalStateException("new model is down");
        ownNew.failWrites = down;
        plainNew.failWrites = down;
        Item item = new Item("i-1", "ann", "1");

        assertThatThrownBy(() -> own.put(item)).isSameAs(down);
        plain.put(item);

        assertThat(ownOld.items).containsKey("i-1");
        assertThat(plainOld.items).containsKey("i-1");
    }

    @Test
    void aRepositorysSensitiveFieldsAreMaskedInItsOwnMismatchesOnlyAndTheSharedOnesInBoth() {
        start(Stage.SHADOW, b -> b.comparisonMode(ComparisonMode.SYNC).sensitiveFields("ssn")
                .repository(OWN, r -> r.sensitiveFields("owner")));
        putInBoth(new Item("i-1", "ann", "111"), new Item("i-1", "bob", "222"));

        own.find("i-1");
        plain.find("i-1");

        assertThat(comparisonsOf(OWN)).singleElement().satisfies(c -> assertThat(c.differences())
                .extracting(Difference::path, Difference::oldValue, Difference::newValue)
                .containsExactlyInAnyOrder(
                        tuple("$.owner", "***", "***"), tuple("$.ssn", "***", "***")));
        assertThat(comparisonsOf(PLAIN)).singleElement().satisfies(c -> assertThat(c.differences())
                .extracting(Difference::path, Difference::oldValue, Difference::newValue)
                .containsExactlyInAnyOrder(tuple("$.owner", "\"ann\"", "\"bob\""), tuple("$.ssn", "***", "***")));
        List<ILoggingEvent> events;
        // Comparison threads may still be logging: the appender adds under its lock, so copy under it.
        synchronized (logs) {
            events = List.copyOf(logs.list);
        }
        List<String> lines = events.stream()
                .filter(e -> e.getLoggerName().equals("io.dualrepo.Mismatch"))
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
        assertThat(lines).filteredOn(line -> line.startsWith(OWN + ".find"))
                .singleElement().satisfies(line -> assertThat(line).doesNotContain("ann", "bob", "111", "222"));
        assertThat(lines).filteredOn(line -> line.startsWith(PLAIN + ".find"))
                .singleElement().satisfies(line -> assertThat(line).contains("ann", "bob")
                        .doesNotContain("111", "222"));
    }

    @Test
    void aRepositoryReportsAtMostItsOwnNumberOfDifferences() {
        start(Stage.SHADOW, b -> b.comparisonMode(ComparisonMode.SYNC)
                .repository(OWN, r -> r.maxDifferences(1)));
        putInBoth(new Item("i-1", "ann", "111"), new Item("i-1", "bob", "222"));

        own.find("i-1");
        plain.find("i-1");

        assertThat(comparisonsOf(OWN)).singleElement().satisfies(c -> assertThat(c.differences()).hasSize(1));
        assertThat(comparisonsOf(PLAIN)).singleElement().satisfies(c -> assertThat(c.differences()).hasSize(2));
    }

    @Test
    void aNameNoDecoratorWasBuiltForIsWarnedOfAtCloseAndGetsNoRecord() {
        start(Stage.SHADOW, b -> b.repository(OWN, r -> r.maxDifferences(3))
                .repository("misspelt", r -> r.comparisonMode(ComparisonMode.SYNC)));

        dualRepo.close();
        dualRepo.close();

        assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.WARN)
                .extracting(ILoggingEvent::getFormattedMessage)
                .filteredOn(line -> line.contains("settings were given for repository"))
                .containsExactly("settings were given for repository 'misspelt' but no decorator of that name was"
                        + " built on this DualRepo (built: own, plain): is the @DualModel name misspelt?");
        assertThat(dualRepo.migrationRecord().read("misspelt")).isEmpty();
        assertThat(dualRepo.decoratedRepositories()).containsExactlyInAnyOrder(OWN, PLAIN);
    }

    /** Waits for an asynchronous effect; fails the test if it does not happen within ten seconds. */
    private static void eventually(String what, BooleanSupplier condition) {
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
}

package io.dualrepo.hibernate.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.dualrepo.Side;
import io.dualrepo.hibernate.backfill.PersonWorld.Bad;
import io.dualrepo.hibernate.backfill.PersonWorld.Layout;
import io.dualrepo.hibernate.backfill.PersonWorld.Models;
import io.dualrepo.hibernate.durable.PendingSyncTable;
import io.dualrepo.hibernate.durable.RepairResult;
import io.dualrepo.hibernate.model.Person;
import io.dualrepo.hibernate.model.PersonRepository;
import io.dualrepo.hibernate.quarantine.QuarantinedRow;
import io.dualrepo.hibernate.verify.VerificationResult;
import io.dualrepo.hibernate.verify.Verifier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * Rows the new model rejects, mixed among thousands of good ones, while dual writes run through the generated
 * decorator: the backfill quarantines each bad row with its key, exception class and SQLState (messages withheld),
 * copies every good row, and a run after the bad rows were fixed in the old model empties the quarantine. Whether
 * nothing good was lost is the verifier's verdict, run over both models after the repair.
 */
@Timeout(300)
class BackfillQuarantineTest {

    private static final int ROWS = 3000;
    /** 37 bad rows, every 81st from position 7, of the three kinds in turn. */
    private static final Map<Integer, Bad> BAD = PersonWorld.badEvery(ROWS, 81, 7);

    private PersonWorld world;
    private final ExecutorService writers = Executors.newFixedThreadPool(4);

    @AfterEach
    void tearDown() throws Exception {
        writers.shutdownNow();
        writers.awaitTermination(10, TimeUnit.SECONDS);
        if (world != null) {
            world.close();
        }
    }

    static Stream<Arguments> layoutsAndModels() {
        return Stream.of(Layout.values()).flatMap(layout -> Stream.of(Models.values())
                .map(models -> Arguments.of(layout, models)));
    }

    @ParameterizedTest
    @MethodSource("layoutsAndModels")
    void badRowsAmongThousandsAreQuarantinedUnderDualWritesAndNoGoodRowIsLost(Layout layout, Models models)
            throws Exception {
        world = PersonWorld.create(layout, models);
        world.seed(ROWS, BAD);
        Map<String, Bad> badKeys = new HashMap<>();
        BAD.forEach((n, how) -> badKeys.put(PersonWorld.key(2 * n), how));
        PersonRepository persons = world.dualRepository();
        Logger library = (Logger) LoggerFactory.getLogger("io.dualrepo");
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        library.addAppender(logs);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<BackfillProgress> progress = new ArrayList<>();

        AtomicBoolean copying = new AtomicBoolean(true);
        AtomicInteger writes = new AtomicInteger();
        List<Future<?>> running = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            long seed = 17L * w + layout.ordinal();
            running.add(writers.submit(() -> {
                Random random = new Random(seed);
                while (copying.get()) {
                    // Good values only, across the whole range (odd keys are new rows), never at a bad key.
                    int i = random.nextInt(2 * ROWS);
                    String key = PersonWorld.key(i);
                    if (badKeys.containsKey(key)) {
                        continue;
                    }
                    try {
                        if (random.nextInt(10) < 8) {
                            persons.save(new Person(key, "Grace" + random.nextInt(1000) + " Hopper"));
                        } else {
                            persons.deleteById(key);
                        }
                        writes.incrementAndGet();
                    } catch (RuntimeException refused) {
                        // Not expected with these scopes (a failed second write is left to the repair); counted
                        // by its absence from writes.
                    }
                    // A breath between writes: four writers flat out on two cores would starve the copy.
                    Thread.sleep(1);
                }
                return null;
            }));
        }
        BackfillResult result;
        try {
            // Throttled, so that the writers race the copy for a second or two.
            result = Backfill.builder(world.migration).batchSize(50).rowsPerSecond(2500).meterRegistry(registry)
                    .logInterval(Duration.ofMillis(200)).onProgress(progress::add).build().run();
        } finally {
            copying.set(false);
            for (Future<?> writer : running) {
                writer.get(30, TimeUnit.SECONDS);
            }
            library.detachAppender(logs);
        }

        assertThat(result.finished()).isTrue();
        assertThat(writes.get()).as("dual writes made while copying").isGreaterThan(300);
        assertThat(result.rowsRejected()).isEqualTo(BAD.size());
        assertThat(result.rowsInQuarantine()).isEqualTo(BAD.size());
        assertThat(progress.get(progress.size() - 1).quarantined()).isEqualTo(BAD.size());
        assertThat(registry.get(BackfillMetrics.ROWS_QUARANTINED).gauge().value()).isEqualTo(BAD.size());
        assertThat(registry.get(BackfillMetrics.REJECTED).counter().count()).isEqualTo(BAD.size());

        // Every bad row is in the quarantine, with its key, exception class and SQLState, and no value.
        Map<String, QuarantinedRow> quarantine = world.quarantine();
        assertThat(quarantine.keySet()).isEqualTo(badKeys.keySet());
        for (QuarantinedRow row : quarantine.values()) {
            Bad how = badKeys.get(row.key());
            assertThat(row.target()).isEqualTo(Side.NEW);
            assertThat(row.foundBy()).isEqualTo("backfill persons");
            assertThat(row.attempts()).isEqualTo(1);
            assertThat(row.error()).endsWith("(messages withheld)").doesNotContain(PersonWorld.SECRET);
            switch (how) {
                case NULL_NAME -> {
                    assertThat(row.exceptionClass()).isEqualTo(NullPointerException.class.getName());
                    assertThat(row.sqlState()).isNull();
                }
                case TOO_LONG -> {
                    assertThat(row.exceptionClass()).isEqualTo("org.hibernate.exception.DataException");
                    assertThat(row.sqlState()).isEqualTo("22001");
                }
                case ONE_WORD -> {
                    assertThat(row.exceptionClass())
                            .isEqualTo("org.hibernate.exception.ConstraintViolationException");
                    assertThat(row.sqlState()).isEqualTo("23502");
                }
            }
        }
        // Nothing the library logged quotes a rejected value.
        assertThat(logs.list).isNotEmpty().allSatisfy(event -> assertThat(text(event))
                .doesNotContain(PersonWorld.SECRET));
        assertThat(logs.list).anySatisfy(event -> assertThat(event.getFormattedMessage())
                .contains("quarantined").contains(" of "));

        // Dual writes that raced the copy and left keys waiting are repaired; then the verifier finds the bad rows
        // quarantined and nothing else: no good row lost, none differing.
        settle();
        VerificationResult<String> verified = Verifier.builder(world.migration).build().verify();
        assertThat(verified.quarantined()).as(verified.summary()).isEqualTo(BAD.size());
        assertThat(verified.missingInNew()).as(verified.summary()).isZero();
        assertThat(verified.missingInOld()).as(verified.summary()).isZero();
        assertThat(verified.differing()).as(verified.summary()).isZero();
        assertThat(verified.isClean()).isFalse();
        List<Person> good = world.oldRows().stream().filter(person -> !badKeys.containsKey(person.id())).toList();
        assertThat(good).hasSizeGreaterThan(ROWS / 2);
        assertThat(world.newRows()).isEqualTo(good);

        // Fixed in the old model, the bad rows go through on the next run, which empties the quarantine.
        world.fixInOld(badKeys.keySet().stream().collect(Collectors.toMap(key -> key, key -> "Fixed " + key)));
        BackfillResult again = Backfill.builder(world.migration).batchSize(50).build().run();

        assertThat(again.rowsReleased()).isEqualTo(BAD.size());
        assertThat(again.rowsRejected()).isZero();
        assertThat(again.rowsInQuarantine()).isZero();
        assertThat(world.quarantine()).isEmpty();
        VerificationResult<String> clean = Verifier.builder(world.migration).build().verify();
        assertThat(clean.isClean()).as(clean.summary()).isTrue();
        assertThat(world.newRows()).isEqualTo(world.oldRows());
    }

    /** Repairs until no key waits; every key a dual write left must sync (their values are all good). */
    private void settle() {
        for (int pass = 0; pass < 5; pass++) {
            RepairResult repaired = world.repair().repairNow();
            assertThat(repaired.keysRejected()).isZero();
            if (repaired.totalStillPending() == 0) {
                return;
            }
        }
        assertThat(PendingSyncTable.defaults().count(world.oldSessions, "persons")).isZero();
    }

    private static String text(ILoggingEvent event) {
        StringBuilder text = new StringBuilder(event.getFormattedMessage());
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
            text.append('\n').append(t.getClassName()).append(": ").append(t.getMessage());
        }
        return text.toString();
    }
}

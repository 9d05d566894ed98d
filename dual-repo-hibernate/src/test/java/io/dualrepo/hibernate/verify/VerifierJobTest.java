package io.dualrepo.hibernate.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.internal.lease.Ticker;
import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.record.MigrationRecord;
import io.dualrepo.record.RecordEntry;
import io.dualrepo.hibernate.verify.IncidentLayout.Layout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The verifier as a job: segments leased from its tables by several threads and instances, a stopped pass resumed,
 * the throttle, and the live re-checks.
 */
class VerifierJobTest {

    /** Rows planted; every 25th is missing in NEW, every 40th missing in OLD, every 30th differs. */
    private static final int ROWS = 240;

    private IncidentLayout layout;

    @AfterEach
    void tearDown() throws Exception {
        layout.close();
    }

    private void plant(Layout kind) {
        layout = IncidentLayout.of(kind);
        layout.plantAll(this::plantRows);
    }

    private void plantRows() {
        for (int i = 1; i <= ROWS; i++) {
            String id = id(i);
            if (i % 25 == 0) {
                layout.oldOnly(id, "title " + i, "fixing");
            } else if (i % 40 == 0) {
                layout.newOnly(id, "title " + i, "fixing");
            } else if (i % 30 == 0) {
                layout.differing(id, "title " + i, "fixing", "closed");
            } else {
                layout.both(id, "title " + i, "investigating");
            }
        }
    }

    private static String id(int i) {
        return String.format("i-%03d", i);
    }

    /** The findings of a pass without its timing, for comparing two passes. */
    private static String findings(VerificationResult<String> result) {
        return result.summary().replaceAll(" in \\d+ ms\\)", ")");
    }

    private List<String> leases() {
        return layout.newDatabaseRows("select seq, start_key, end_key, owner, status, rows_done"
                + " from dualrepo_verify_lease");
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void severalThreadsCoverEveryRowExactlyOnce(Layout kind) {
        plant(kind);
        AtomicLong lastDone = new AtomicLong();

        VerificationResult<String> result = Verifier.builder(layout.migration)
                .pageSize(7)
                .threads(4)
                .onProgress(progress -> lastDone.accumulateAndGet(progress.done(), Math::max))
                .build()
                .verify();

        long missingInNew = ROWS / 25;
        long missingInOld = countOf(i -> i % 25 != 0 && i % 40 == 0);
        long differing = countOf(i -> i % 25 != 0 && i % 40 != 0 && i % 30 == 0);
        assertThat(result.isComplete()).isTrue();
        assertThat(result.missingInNew()).isEqualTo(missingInNew);
        assertThat(result.missingInOld()).isEqualTo(missingInOld);
        assertThat(result.differing()).isEqualTo(differing);
        assertThat(result.oldRowsScanned()).isEqualTo(ROWS - missingInOld);
        assertThat(result.newRowsScanned()).isEqualTo(ROWS - missingInNew);
        assertThat(lastDone.get()).isEqualTo(ROWS - missingInOld);
        assertThat(result.missingInNewSample()).containsExactly("i-025", "i-050", "i-075", "i-100", "i-125",
                "i-150", "i-175", "i-200", "i-225");
        // The segments tile the key range: each starts where the one before it ended, the last runs to the end.
        List<String> leases = leases();
        String previousEnd = "null";
        long rows = 0;
        for (String lease : leases) {
            String[] columns = lease.split(" ");
            assertThat(columns[1]).as(lease).isEqualTo(previousEnd);
            assertThat(columns[4]).as(lease).isEqualTo("done");
            previousEnd = columns[2];
            rows += Long.parseLong(columns[5]);
        }
        assertThat(previousEnd).isEqualTo("null");
        assertThat(rows).isEqualTo(ROWS - missingInOld);
        // Full pages of seven, then the short page that runs on to the end.
        assertThat(leases).hasSize((int) ((ROWS - missingInOld) / 7) + 1);
    }

    private static long countOf(java.util.function.IntPredicate rows) {
        return java.util.stream.IntStream.rangeClosed(1, ROWS).filter(rows).count();
    }

    @Test
    void threadsShareTheWork() {
        plant(Layout.NEW_TABLES);
        Migration<String, Incident> slow = Migration.of("incidents", layout.migration.keyType(),
                layout.migration.oldModel(), new PausedModel<>(layout.migration.newModel(), 20));

        VerificationResult<String> result = Verifier.builder(slow).pageSize(10).threads(3).workerId("w").build()
                .verify();

        assertThat(result.discrepancies()).isEqualTo(ROWS / 25 + countOf(i -> i % 25 != 0 && i % 40 == 0)
                + countOf(i -> i % 25 != 0 && i % 40 != 0 && i % 30 == 0));
        assertThat(leases().stream().map(lease -> lease.split(" ")[3]).distinct())
                .containsExactlyInAnyOrder("w/0", "w/1", "w/2");
    }

    @Test
    void aStoppedPassResumesFromItsCheckpointAndEndsAsAnUninterruptedOne() {
        plant(Layout.NEW_TABLES);
        VerificationResult<String> uninterrupted = Verifier.builder(layout.migration).pageSize(10)
                .jobName("uninterrupted").build().verify();
        AtomicInteger segments = new AtomicInteger();

        VerificationResult<String> stopped = Verifier.builder(layout.migration).pageSize(10).workerId("w")
                .onProgress(progress -> {
                    if (segments.incrementAndGet() == 5) {
                        Thread.currentThread().interrupt();
                    }
                })
                .build()
                .verify();
        boolean interrupted = Thread.interrupted();
        List<Long> resumedDone = new ArrayList<>();
        VerificationResult<String> resumed = Verifier.builder(layout.migration).pageSize(10).workerId("w")
                .onProgress(progress -> resumedDone.add(progress.done()))
                .build()
                .verify();

        assertThat(interrupted).isTrue();
        assertThat(stopped.isComplete()).isFalse();
        assertThat(stopped.isClean()).isFalse();
        assertThat(stopped.oldRowsScanned()).isEqualTo(50);
        assertThat(stopped.summary()).contains("INCOMPLETE");
        assertThat(resumed.isComplete()).isTrue();
        // The resumed run starts after the 50 rows verified before the stop, not at the first key.
        assertThat(resumedDone.get(0)).isEqualTo(60);
        assertThat(findings(resumed)).isEqualTo(findings(uninterrupted));
        assertThat(resumed.differingSample()).isEqualTo(uninterrupted.differingSample());
        assertThat(resumed.discrepancies()).isPositive();

        // A finished pass is not resumed: the next run is a new pass, as is restart() mid-way.
        List<Long> againDone = new ArrayList<>();
        Verifier.builder(layout.migration).pageSize(10).workerId("w")
                .onProgress(progress -> againDone.add(progress.done())).build().verify();
        assertThat(againDone.get(0)).isEqualTo(10);
    }

    @Test
    void onlyACompletePassGoesOnRecord() {
        plant(Layout.NEW_TABLES);
        MigrationRecord record = MigrationRecord.inMemory();
        AtomicInteger segments = new AtomicInteger();
        Verifier.builder(layout.migration).pageSize(10).workerId("w").migrationRecord(record)
                .onProgress(progress -> {
                    if (segments.incrementAndGet() == 2) {
                        Thread.currentThread().interrupt();
                    }
                })
                .build()
                .verify();
        Thread.interrupted();
        List<RecordEntry> afterStop = record.history("incidents", 10);

        Verifier.builder(layout.migration).pageSize(10).workerId("w").migrationRecord(record).build().verify();

        assertThat(afterStop).isEmpty();
        assertThat(record.history("incidents", 10)).hasSize(1);
        assertThat(record.history("incidents", 10).get(0).toString()).contains("235 OLD and 231 NEW rows scanned");
    }

    @Test
    void restartStartsAStoppedPassOver() {
        plant(Layout.NEW_TABLES);
        AtomicInteger segments = new AtomicInteger();
        Verifier.builder(layout.migration).pageSize(10).workerId("w")
                .onProgress(progress -> {
                    if (segments.incrementAndGet() == 3) {
                        Thread.currentThread().interrupt();
                    }
                })
                .build()
                .verify();
        Thread.interrupted();
        List<Long> done = new ArrayList<>();

        VerificationResult<String> result = Verifier.builder(layout.migration).pageSize(10).workerId("w").restart()
                .onProgress(progress -> done.add(progress.done())).build().verify();

        assertThat(done.get(0)).isEqualTo(10);
        assertThat(result.isComplete()).isTrue();
        assertThat(result.oldRowsScanned()).isEqualTo(ROWS - countOf(i -> i % 25 != 0 && i % 40 == 0));
    }

    @Test
    void twoInstancesSplitTheWork() throws Exception {
        plant(Layout.NEW_TABLES);
        Migration<String, Incident> slow = Migration.of("incidents", layout.migration.keyType(),
                layout.migration.oldModel(), new PausedModel<>(layout.migration.newModel(), 20));
        CountDownLatch start = new CountDownLatch(1);
        List<VerificationResult<String>> results = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Void>> instances = new ArrayList<>();
        for (String worker : List.of("machine-a", "machine-b")) {
            Verifier<String, Incident> verifier = Verifier.builder(slow).pageSize(10).workerId(worker).build();
            instances.add(CompletableFuture.runAsync(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                results.add(verifier.verify());
            }));
        }
        start.countDown();
        CompletableFuture.allOf(instances.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        // Both report the whole pass, each segment verified by one of them.
        assertThat(results).hasSize(2).allMatch(VerificationResult::isComplete);
        assertThat(findings(results.get(0))).isEqualTo(findings(results.get(1)));
        assertThat(results.get(0).oldRowsScanned()).isEqualTo(ROWS - countOf(i -> i % 25 != 0 && i % 40 == 0));
        assertThat(leases().stream().map(lease -> lease.split(" ")[3]).distinct())
                .containsExactlyInAnyOrder("machine-a", "machine-b");
    }

    @Test
    void aKeyThatHealsWithinTheRecheckWindowIsNotReportedOneThatStaysDifferentIs() {
        layout = IncidentLayout.of(Layout.NEW_TABLES);
        layout.plantAll(() -> {
            for (int i = 1; i <= 20; i++) {
                if (i == 7 || i == 8) {
                    layout.differing(id(i), "title " + i, "fixing", "closed");
                } else {
                    layout.both(id(i), "title " + i, "fixing");
                }
            }
        });
        // A dual write in flight: key 7's OLD half lands after the scan saw it, before the first re-check.
        FakeTicker ticker = new FakeTicker(() -> layout.setOldStatus(id(7), "closed"));

        VerificationResult<String> result = Verifier.builder(layout.migration)
                .recheck(3, Duration.ofSeconds(3))
                .ticker(ticker)
                .build()
                .verify();

        assertThat(result.differing()).isEqualTo(1);
        assertThat(result.differingSample()).containsOnlyKeys(id(8));
        assertThat(result.resolvedOnRecheck()).isEqualTo(1);
        // Key 8 was read again three times, a second apart, before it was reported.
        assertThat(ticker.sleeps).containsExactly(1_000_000_000L, 1_000_000_000L, 1_000_000_000L);
    }

    @Test
    void rowsPerSecondLimitsTheRate() {
        layout = IncidentLayout.of(Layout.NEW_TABLES);
        layout.plantAll(() -> {
            for (int i = 1; i <= 100; i++) {
                layout.both(id(i), "title " + i, "fixing");
            }
        });
        FakeTicker ticker = new FakeTicker(() -> {});
        List<String> rateViolations = new CopyOnWriteArrayList<>();

        VerificationResult<String> result = Verifier.builder(layout.migration)
                .pageSize(10)
                .rowsPerSecond(20)
                .ticker(ticker)
                .onProgress(progress -> {
                    // The rows started by time t are at most rate * t plus one segment.
                    double seconds = ticker.now / 1e9;
                    if (progress.done() > 20 * seconds + 10) {
                        rateViolations.add(progress.done() + " rows by " + seconds + " s");
                    }
                })
                .build()
                .verify();

        assertThat(result.isClean()).isTrue();
        assertThat(rateViolations).isEmpty();
        // Ten segments of ten rows at 20 rows/s: 0.5 s before each but the first, and before the empty tail one.
        assertThat(ticker.now).isEqualTo(5_000_000_000L);
    }

    @Test
    void refusesToRunInsideATransaction() {
        layout = IncidentLayout.of(Layout.NEW_TABLES);
        Verifier<String, Incident> verifier = Verifier.builder(layout.migration).build();

        assertThatThrownBy(() -> layout.migration.newModel().transactions().runInTransaction(session -> {
            verifier.verify();
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("must not run inside a transaction");
    }

    @Test
    void aRecheckWindowLongerThanHalfTheLeaseIsRefused() {
        layout = IncidentLayout.of(Layout.NEW_TABLES);

        assertThatThrownBy(() -> Verifier.builder(layout.migration).leaseDuration(Duration.ofSeconds(10))
                .recheck(2, Duration.ofSeconds(5)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT5S").hasMessageContaining("PT10S");
    }

    /** Time that moves only when the verifier sleeps; the first sleep runs a hook. */
    private static final class FakeTicker implements Ticker {
        private final List<Long> sleeps = new CopyOnWriteArrayList<>();
        private Runnable onFirstSleep;
        private volatile long now;

        FakeTicker(Runnable onFirstSleep) {
            this.onFirstSleep = onFirstSleep;
        }

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public synchronized void sleep(long nanos) {
            sleeps.add(nanos);
            now += nanos;
            if (onFirstSleep != null) {
                Runnable hook = onFirstSleep;
                onFirstSleep = null;
                hook.run();
            }
        }
    }
}

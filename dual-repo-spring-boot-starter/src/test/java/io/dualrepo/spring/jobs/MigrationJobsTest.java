package io.dualrepo.spring.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.DualRepo;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.spring.jobs.JobState.Status;
import io.dualrepo.spring.jobs.MigrationJobs.Result;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The jobs' threads, states and failure texts, with runners that stand in for a backfill (the real ones run in
 * BookJobsHttpTest) on a real runtime.
 */
class MigrationJobsTest {

    private final DualRepo dualRepo = DualRepo.builder().routeSource(InMemoryRouteSource.named("test")).build();

    @AfterEach
    void closeRuntime() {
        dualRepo.close();
    }

    @Test
    void aDatabaseFailureShowsItsClassesAndSqlStateButNoMessage() throws Exception {
        RuntimeException fromTheDatabase = new RuntimeException("could not insert: duplicate key (alice@example.com)",
                new SQLException("Unique index violation: VALUES ('alice@example.com')", "23505"));
        try (MigrationJobs jobs = new MigrationJobs(dualRepo, Map.of("books", (job, progress) -> {
            throw fromTheDatabase;
        }))) {
            jobs.start("books", Job.BACKFILL);
            JobState state = awaitEnd(jobs, Job.BACKFILL);
            assertThat(state.status()).isEqualTo(Status.FAILED);
            assertThat(state.failure()).isEqualTo("java.lang.RuntimeException <- java.sql.SQLException [SQLState 23505]"
                    + " (messages withheld)");
            assertThat(state.finishedAt()).isNotNull();
        }
    }

    @Test
    void dualReposOwnCheckShowsItsMessageButNotOneThatWrapsAnotherException() throws Exception {
        try (MigrationJobs jobs = new MigrationJobs(dualRepo, Map.of("books", (job, progress) -> {
            if (job == Job.BACKFILL) {
                throw new IllegalStateException("backfill books refused: the route reads NEW");
            }
            throw new IllegalStateException("wrapped", new RuntimeException("row 'alice@example.com'"));
        }))) {
            jobs.start("books", Job.BACKFILL);
            assertThat(awaitEnd(jobs, Job.BACKFILL).failure())
                    .isEqualTo("backfill books refused: the route reads NEW");
            jobs.start("books", Job.VERIFY);
            assertThat(awaitEnd(jobs, Job.VERIFY).failure()).isEqualTo("java.lang.IllegalStateException"
                    + " <- java.lang.RuntimeException (messages withheld)");
        }
    }

    @Test
    void aRunningJobShowsItsProgressAndRefusesAnotherUntilItEnds() throws Exception {
        CountDownLatch halfway = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (MigrationJobs jobs = new MigrationJobs(dualRepo, Map.of("books", (job, progress) -> {
            progress.rows(500, 1000);
            halfway.countDown();
            await(release);
            return new Result(true, 1000, 40L, null, "backfill books: finished");
        }))) {
            assertThat(jobs.start("books", Job.BACKFILL).outcome()).isEqualTo(JobStart.Outcome.STARTED);
            assertThat(halfway.await(10, TimeUnit.SECONDS)).isTrue();
            JobState running = jobs.state("books", Job.BACKFILL).orElseThrow();
            assertThat(running.status()).isEqualTo(Status.RUNNING);
            assertThat(running.rowsScanned()).isEqualTo(500);
            assertThat(running.rowsTotal()).isEqualTo(1000);
            JobStart refused = jobs.start("books", Job.VERIFY);
            assertThat(refused.outcome()).isEqualTo(JobStart.Outcome.REFUSED);
            assertThat(refused.state()).isEqualTo(running);
            assertThat(jobs.state("books", Job.VERIFY)).isEmpty();
            release.countDown();
            JobState ended = awaitEnd(jobs, Job.BACKFILL);
            assertThat(ended.status()).isEqualTo(Status.FINISHED);
            assertThat(ended.rowsScanned()).isEqualTo(1000);
            assertThat(ended.rowsWritten()).isEqualTo(40);
            assertThat(ended.summary()).isEqualTo("backfill books: finished");
            assertThat(jobs.start("books", Job.VERIFY).outcome()).isEqualTo(JobStart.Outcome.STARTED);
        }
    }

    @Test
    void closingInterruptsARunningJobWhichShowsStoppedAndLaterStartsAreRefused() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        MigrationJobs jobs = new MigrationJobs(dualRepo, Map.of("books", (job, progress) -> {
            started.countDown();
            try {
                Thread.sleep(60_000);
                return new Result(true, 0, 0L, null, "never interrupted");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result(false, 7, 7L, null, "stopped before the end");
            }
        }));
        jobs.start("books", Job.BACKFILL);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        long before = System.nanoTime();
        jobs.close();
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(10));
        assertThat(jobs.isRunning("books")).isFalse();
        assertThat(jobs.state("books", Job.BACKFILL).orElseThrow().status()).isEqualTo(Status.STOPPED);
        JobStart afterwards = jobs.start("books", Job.BACKFILL);
        assertThat(afterwards.outcome()).isEqualTo(JobStart.Outcome.REFUSED);
        assertThat(afterwards.message()).isEqualTo("backfill of books refused: the application is shutting down");
    }

    @Test
    void aRepositoryWithoutJobsSaysWhichHaveThem() {
        try (MigrationJobs jobs = new MigrationJobs(dualRepo, Map.of("books", (job, progress) -> null))) {
            JobStart start = jobs.start("notes", Job.BACKFILL);
            assertThat(start.outcome()).isEqualTo(JobStart.Outcome.NO_JOBS);
            assertThat(start.message()).isEqualTo("no Migration bean is named 'notes': the jobs run for [books]");
        }
    }

    private static JobState awaitEnd(MigrationJobs jobs, Job job) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (jobs.isRunning("books") && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return jobs.state("books", job).orElseThrow();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

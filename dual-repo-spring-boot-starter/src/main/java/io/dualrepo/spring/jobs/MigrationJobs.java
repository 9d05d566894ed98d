package io.dualrepo.spring.jobs;

import io.dualrepo.DualRepo;
import io.dualrepo.spi.WithheldMessage;
import io.dualrepo.spring.jobs.JobStart.Outcome;
import io.dualrepo.spring.jobs.JobState.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each repository's backfill and verification for an operator, one job at a time per repository, each on a
 * thread of its own, and keeps the last or current state of each. A job can take hours, so {@link #start} answers at
 * once; a caller follows the job through {@link #state}. When a job ends, the runtime reads the migration record
 * again ({@link DualRepo#refreshRecord}) before the job shows as ended: whoever sees it finished can ask for the stage
 * its evidence allows.
 *
 * <p>One at a time per repository: a backfill and a verification of one migration at once would only make the
 * verification report the rows still being copied. The state is this instance's: another instance of the
 * application neither sees nor refuses it (run the jobs on one instance).
 */
public final class MigrationJobs implements AutoCloseable {

    /** How long {@link #close()} waits for an interrupted job to end its batch or segment. */
    public static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(MigrationJobs.class);

    private final DualRepo dualRepo;
    private final Map<String, Runner> runners;
    private final Map<String, Map<Job, JobState>> states = new HashMap<>();
    private final Map<String, Thread> running = new HashMap<>();
    private boolean closed;

    /**
     * @param runners each repository's jobs, by repository name
     */
    public MigrationJobs(DualRepo dualRepo, Map<String, Runner> runners) {
        this.dualRepo = dualRepo;
        this.runners = Map.copyOf(runners);
    }

    /** The repositories that have jobs, in name order. */
    public Set<String> repositories() {
        return new TreeSet<>(runners.keySet());
    }

    /**
     * Starts {@code job} of {@code repository} on a thread of its own, unless a job of that repository runs already;
     * never waits for it.
     */
    public synchronized JobStart start(String repository, Job job) {
        Runner runner = runners.get(repository);
        if (runner == null) {
            return new JobStart(repository, job.path(), Outcome.NO_JOBS, "no Migration bean is named '" + repository
                    + "': the jobs run for " + repositories(), null);
        }
        if (closed) {
            return new JobStart(repository, job.path(), Outcome.REFUSED, job.path() + " of " + repository
                    + " refused: the application is shutting down", null);
        }
        if (running.containsKey(repository)) {
            JobState current = current(repository);
            return new JobStart(repository, job.path(), Outcome.REFUSED, job.path() + " of " + repository
                    + " refused: its " + (current == null ? "job" : current.job().path() + " started at "
                    + current.startedAt()) + " is still running, and one job runs at a time per repository",
                    current);
        }
        Instant startedAt = Instant.now();
        JobState state = new JobState(job, Status.RUNNING, startedAt.toString(), null, 0, -1, null, null, null, null);
        statesOf(repository).put(job, state);
        Thread thread = new Thread(() -> run(repository, job, runner, startedAt),
                "dualrepo-" + job.path() + "-" + repository);
        // A job must not keep the JVM alive on its own; close() stops it when the context closes.
        thread.setDaemon(true);
        running.put(repository, thread);
        thread.start();
        log.info("{} of {} started through the dualrepo jobs", job.path(), repository);
        return new JobStart(repository, job.path(), Outcome.STARTED, job.path() + " of " + repository + " started",
                state);
    }

    /** The last or current run of {@code job} of {@code repository} on this instance; empty if none since start. */
    public synchronized Optional<JobState> state(String repository, Job job) {
        Map<Job, JobState> jobs = states.get(repository);
        return Optional.ofNullable(jobs == null ? null : jobs.get(job));
    }

    /** Whether a job of {@code repository} is running on this instance. */
    public synchronized boolean isRunning(String repository) {
        return running.containsKey(repository);
    }

    /**
     * Interrupts the running jobs and waits up to {@link #SHUTDOWN_WAIT} for them: a backfill ends its batch and a
     * verification its segments, and the next run resumes after them. Later starts are refused.
     */
    @Override
    public void close() {
        Map<String, Thread> threads;
        synchronized (this) {
            closed = true;
            threads = new TreeMap<>(running);
        }
        threads.values().forEach(Thread::interrupt);
        long deadline = System.nanoTime() + SHUTDOWN_WAIT.toNanos();
        for (Map.Entry<String, Thread> entry : threads.entrySet()) {
            try {
                entry.getValue().join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (entry.getValue().isAlive()) {
                log.warn("the job of {} did not stop within {} of the interrupt; shutting down without it",
                        entry.getKey(), SHUTDOWN_WAIT);
            }
        }
    }

    private void run(String repository, Job job, Runner runner, Instant startedAt) {
        JobState ended;
        try {
            // The runtime takes the route its source offers when the repository is first used, and only then writes
            // it to the record, which the backfill asks whether NEW is written: right after start-up it may not be.
            dualRepo.currentRoute(repository);
            Result result = runner.run(job, (done, total) -> progress(repository, job, done, total));
            ended = new JobState(job, result.complete() ? Status.FINISHED : Status.STOPPED, startedAt.toString(),
                    Instant.now().toString(), result.rowsScanned(), lastTotal(repository, job), result.rowsWritten(),
                    result.clean(), result.summary(), null);
            log.info("{} of {} {}: {} rows scanned{}", job.path(), repository,
                    result.complete() ? "finished" : "stopped before its end", result.rowsScanned(),
                    result.clean() == null ? "" : result.clean() ? ", clean" : ", NOT clean");
        } catch (RuntimeException | Error e) {
            String failure = failure(e);
            // The stack goes to the log with every message withheld; the failure text is safe by construction.
            log.warn("{} of {} failed: {}", job.path(), repository, failure, WithheldMessage.of(e));
            ended = new JobState(job, Status.FAILED, startedAt.toString(), Instant.now().toString(),
                    lastRows(repository, job), lastTotal(repository, job), null, null, null, failure);
        }
        if (!Thread.currentThread().isInterrupted()) {
            refresh(repository);
        }
        synchronized (this) {
            statesOf(repository).put(job, ended);
            running.remove(repository);
        }
    }

    private void refresh(String repository) {
        try {
            dualRepo.refreshRecord(repository);
        } catch (RuntimeException e) {
            // The evidence is in the record all the same; the runtime reads it again on its own schedule.
            log.warn("{}: the migration record could not be read again after the job", repository,
                    WithheldMessage.of(e));
        }
    }

    private synchronized void progress(String repository, Job job, long done, long total) {
        JobState state = stateOf(repository, job);
        if (state.status() == Status.RUNNING) {
            statesOf(repository).put(job, new JobState(job, Status.RUNNING, state.startedAt(), null, done, total,
                    null, null, null, null));
        }
    }

    private synchronized long lastRows(String repository, Job job) {
        return stateOf(repository, job).rowsScanned();
    }

    private synchronized long lastTotal(String repository, Job job) {
        return stateOf(repository, job).rowsTotal();
    }

    private Map<Job, JobState> statesOf(String repository) {
        return states.computeIfAbsent(repository, name -> new EnumMap<>(Job.class));
    }

    /** The state of a job that was started: {@link #start} puts it in before the thread runs. */
    private JobState stateOf(String repository, Job job) {
        return Objects.requireNonNull(statesOf(repository).get(job), "a started job has a state");
    }

    private @Nullable JobState current(String repository) {
        Map<Job, JobState> jobs = states.getOrDefault(repository, Map.of());
        return jobs.values().stream().filter(state -> state.status() == Status.RUNNING).findFirst().orElse(null);
    }

    /**
     * What a failure may show: dual-repo's own message where dual-repo wrote it (a refusal such as a backfill while
     * NEW serves reads, missing tables under create-tables=false, a BackfillException, which names the batch and
     * withholds its cause's message), else only the classes and SQLStates of the chain: a database's message may
     * quote the values of a row.
     */
    static String failure(Throwable error) {
        String message = error.getMessage();
        if (message != null && (error.getClass().getName().startsWith("io.dualrepo.") || ownCheck(error))) {
            return message;
        }
        return WithheldMessage.describe(error);
    }

    /** A state or argument check thrown by dual-repo's code itself, on nothing it caught. */
    private static boolean ownCheck(Throwable error) {
        StackTraceElement[] stack = error.getStackTrace();
        return error.getCause() == null
                && (error instanceof IllegalStateException || error instanceof IllegalArgumentException)
                && stack.length > 0 && stack[0].getClassName().startsWith("io.dualrepo.");
    }

    /** One repository's jobs, as {@link MigrationJobs} runs them. */
    @FunctionalInterface
    public interface Runner {

        /**
         * Runs {@code job} until it ends or its thread is interrupted, and hands its evidence to the migration record.
         *
         * @param progress to be told the rows done so far, as often as the job reports them
         */
        Result run(Job job, Progress progress);
    }

    /** A running job's rows so far. */
    @FunctionalInterface
    public interface Progress {

        /** @param total about how many rows there are in all, or -1 when unknown */
        void rows(long done, long total);
    }

    /**
     * What a job that ran to its end (or until interrupted) did.
     *
     * @param complete whether it reached its end: false when interrupted
     * @param rowsScanned as in {@link JobState#rowsScanned()}
     * @param rowsWritten as in {@link JobState#rowsWritten()}
     * @param clean as in {@link JobState#clean()}
     * @param summary the job's own account for a person
     */
    public record Result(boolean complete, long rowsScanned, @Nullable Long rowsWritten, @Nullable Boolean clean,
            String summary) {
    }
}

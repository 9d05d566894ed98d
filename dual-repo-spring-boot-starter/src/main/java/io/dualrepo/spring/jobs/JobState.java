package io.dualrepo.spring.jobs;

import org.jspecify.annotations.Nullable;

/**
 * A job as this instance last ran it, or runs it now. Times are ISO-8601 strings, as everywhere in the endpoint.
 *
 * @param job which job
 * @param status where it is
 * @param startedAt when this instance started it
 * @param finishedAt when it ended, or null while it runs
 * @param rowsScanned rows read so far: for a backfill, the old rows it copied; for a verification, the old and new
 *     rows it compared (while it runs: the old rows verified so far)
 * @param rowsTotal about how many old rows there are, or -1 when unknown (only while it runs)
 * @param rowsWritten rows the backfill inserted into the new model; null for a verification
 * @param clean whether the verification found both models agreeing everywhere; null for a backfill and before the end
 * @param summary the job's own account for a person, once it ended (a verification's names a few sample keys and
 *     their differences, with sensitive fields masked); null while it runs and when it failed
 * @param failure why it failed: dual-repo's own message where it wrote one (a refusal, missing tables, the batch that
 *     failed), else only the exception classes and SQLStates, since a database's message may quote row values; null
 *     unless it failed
 */
public record JobState(Job job, Status status, String startedAt, @Nullable String finishedAt, long rowsScanned,
        long rowsTotal, @Nullable Long rowsWritten, @Nullable Boolean clean, @Nullable String summary,
        @Nullable String failure) {

    /** A job's course. */
    public enum Status {
        /** On its thread now. */
        RUNNING,
        /** Ran to its end; the migration record has its evidence, if it counts. */
        FINISHED,
        /** Interrupted (the application shut down) before its end: the next run resumes or starts again. */
        STOPPED,
        /** Threw: see {@code failure}, and the server's log. */
        FAILED
    }
}

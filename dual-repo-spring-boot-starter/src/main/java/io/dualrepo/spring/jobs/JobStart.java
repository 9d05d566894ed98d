package io.dualrepo.spring.jobs;

import org.jspecify.annotations.Nullable;

/**
 * The answer to a request to start a job.
 *
 * @param repository the repository asked for
 * @param job the job asked for, as given
 * @param outcome whether it started, and if not, why not in one word
 * @param message for people: what happened
 * @param state the job now running: the one just started, or the one that refused it; null when none runs
 */
public record JobStart(String repository, String job, Outcome outcome, String message, @Nullable JobState state) {

    /** The outcomes; the endpoint answers each over HTTP with its own status. */
    public enum Outcome {
        /** Running on a thread of its own; follow it in the repository's state. 202. */
        STARTED,
        /** A job of the repository is still running, or the application is shutting down. 409. */
        REFUSED,
        /** The repository is decorated but no {@code Migration} bean bears its name. 404. */
        NO_JOBS,
        /** No decorator of that name on this runtime. 404. */
        UNKNOWN_REPOSITORY,
        /** Neither backfill nor verify. 400. */
        UNKNOWN_JOB
    }
}

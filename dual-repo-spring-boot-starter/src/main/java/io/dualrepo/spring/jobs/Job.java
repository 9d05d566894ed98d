package io.dualrepo.spring.jobs;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The jobs that produce a migration record's evidence, named as in the endpoint's path. */
public enum Job {
    /** Copies the rows written before dual writes began into the new model, from the first key. */
    BACKFILL,
    /** Compares both models row by row; a clean pass after a backfill lets reads move to the new model. */
    VERIFY;

    /** The lower-case name, as in {@code POST /actuator/dualrepo/{repository}/backfill}. */
    public String path() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The job a path segment names, in any case; empty for any other text. */
    public static Optional<Job> named(String name) {
        return Arrays.stream(values()).filter(job -> job.path().equals(name.strip().toLowerCase(Locale.ROOT)))
                .findFirst();
    }
}

package io.dualrepo.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The checks {@link io.dualrepo.DualRepo.Builder} and {@link io.dualrepo.RepositorySettings.Builder} share, so that a
 * value refused for every repository is refused for one in the same words.
 */
public final class SettingChecks {

    private static final Pattern VALID_NAME = Pattern.compile("[a-z][a-z0-9_-]*");

    private SettingChecks() {}

    public static int atLeast(int minimum, int value, String name) {
        if (value < minimum) {
            throw new IllegalArgumentException(name + " must be at least " + minimum + ", was " + value);
        }
        return value;
    }

    public static Duration positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
        return value;
    }

    public static float circuitFailureRate(float failureRatePercent) {
        if (!(failureRatePercent > 0 && failureRatePercent <= 100)) {
            throw new IllegalArgumentException("circuit failure rate must be in (0, 100], was " + failureRatePercent);
        }
        return failureRatePercent;
    }

    public static Duration circuitOpenFor(Duration openFor) {
        Objects.requireNonNull(openFor, "openFor");
        // Resilience4j's own floor: below it build() would fail with a message that names none of these.
        if (openFor.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException("circuit openFor must be at least 1 ms, was " + openFor);
        }
        return openFor;
    }

    /** A {@code @DualModel} name as the processor accepts it; the same rule holds for names given at run time. */
    public static String repositoryName(String repository) {
        if (repository == null || !VALID_NAME.matcher(repository).matches()) {
            throw new IllegalArgumentException("repository name '" + repository
                    + "' is not valid: use lower-case letters, digits, '-' and '_', starting with a letter");
        }
        return repository;
    }
}

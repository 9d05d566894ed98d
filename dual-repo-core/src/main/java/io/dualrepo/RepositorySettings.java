package io.dualrepo;

import io.dualrepo.internal.SettingChecks;
import io.dualrepo.write.SecondaryWriteFailurePolicy;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What one repository sets apart from the {@link DualRepo.Builder} defaults, given through {@link
 * DualRepo.Builder#repository}: a setting left empty here is the default's. Only what a repository can have on its
 * own is here; the comparison threads and queue, the log budgets, the sink, the scope and the listeners stay shared.
 *
 * <p>{@linkplain #sensitiveFields() Sensitive fields} are added to the defaults' ({@link
 * DualRepo.Builder#sensitiveFields}), never put in their place: a name masked for every repository stays masked in
 * each, so that no repository's settings can unmask a field by leaving it out.
 *
 * <pre>{@code
 * DualRepo.builder()
 *         .comparisonTimeout(Duration.ofMillis(500))
 *         .repository("invoices", invoices -> invoices
 *                 .comparisonTimeout(Duration.ofSeconds(2))
 *                 .sensitiveFields("iban"))
 *         .build();
 * }</pre>
 */
public final class RepositorySettings {

    private final @Nullable ComparisonMode comparisonMode;
    private final @Nullable Duration comparisonTimeout;
    private final @Nullable Integer maxDifferences;
    private final @Nullable Float circuitFailureRate;
    private final @Nullable Integer circuitWindow;
    private final @Nullable Duration circuitOpenFor;
    private final Set<String> sensitiveFields;
    private final @Nullable SecondaryWriteFailurePolicy secondaryWriteFailurePolicy;

    private RepositorySettings(Builder builder) {
        this.comparisonMode = builder.comparisonMode;
        this.comparisonTimeout = builder.comparisonTimeout;
        this.maxDifferences = builder.maxDifferences;
        this.circuitFailureRate = builder.circuitFailureRate;
        this.circuitWindow = builder.circuitWindow;
        this.circuitOpenFor = builder.circuitOpenFor;
        this.sensitiveFields = Collections.unmodifiableSet(new LinkedHashSet<>(builder.sensitiveFields));
        this.secondaryWriteFailurePolicy = builder.secondaryWriteFailurePolicy;
    }

    public Optional<ComparisonMode> comparisonMode() {
        return Optional.ofNullable(comparisonMode);
    }

    public Optional<Duration> comparisonTimeout() {
        return Optional.ofNullable(comparisonTimeout);
    }

    public OptionalInt maxDifferences() {
        return maxDifferences == null ? OptionalInt.empty() : OptionalInt.of(maxDifferences);
    }

    /** Present together with {@link #circuitWindow()} and {@link #circuitOpenFor()}: the breaker is set as one. */
    public Optional<Float> circuitFailureRate() {
        return Optional.ofNullable(circuitFailureRate);
    }

    public OptionalInt circuitWindow() {
        return circuitWindow == null ? OptionalInt.empty() : OptionalInt.of(circuitWindow);
    }

    public Optional<Duration> circuitOpenFor() {
        return Optional.ofNullable(circuitOpenFor);
    }

    /** Field names masked in this repository's logs and listener payloads, on top of the defaults' names. */
    public Set<String> sensitiveFields() {
        return sensitiveFields;
    }

    public Optional<SecondaryWriteFailurePolicy> secondaryWriteFailurePolicy() {
        return Optional.ofNullable(secondaryWriteFailurePolicy);
    }

    /**
     * Sets what one repository does apart from the defaults; each setting is checked as its namesake on {@link
     * DualRepo.Builder} is.
     */
    public static final class Builder {

        private @Nullable ComparisonMode comparisonMode;
        private @Nullable Duration comparisonTimeout;
        private @Nullable Integer maxDifferences;
        private @Nullable Float circuitFailureRate;
        private @Nullable Integer circuitWindow;
        private @Nullable Duration circuitOpenFor;
        private final Set<String> sensitiveFields = new LinkedHashSet<>();
        private @Nullable SecondaryWriteFailurePolicy secondaryWriteFailurePolicy;

        Builder() {}

        /** A builder holding what {@code settings} holds, for {@link DualRepo.Builder#from}. */
        static Builder of(RepositorySettings settings) {
            Builder builder = new Builder();
            builder.comparisonMode = settings.comparisonMode;
            builder.comparisonTimeout = settings.comparisonTimeout;
            builder.maxDifferences = settings.maxDifferences;
            builder.circuitFailureRate = settings.circuitFailureRate;
            builder.circuitWindow = settings.circuitWindow;
            builder.circuitOpenFor = settings.circuitOpenFor;
            builder.sensitiveFields.addAll(settings.sensitiveFields);
            builder.secondaryWriteFailurePolicy = settings.secondaryWriteFailurePolicy;
            return builder;
        }

        /**
         * Where this repository's shadow reads run: {@link ComparisonMode#SYNC} or {@code STRICT} on the caller's
         * thread, {@code ASYNC} on the shared comparison threads.
         */
        public Builder comparisonMode(ComparisonMode comparisonMode) {
            this.comparisonMode = Objects.requireNonNull(comparisonMode, "comparisonMode");
            return this;
        }

        /** How long one of this repository's shadow reads may take before it counts as a timeout. */
        public Builder comparisonTimeout(Duration comparisonTimeout) {
            this.comparisonTimeout = SettingChecks.positive(comparisonTimeout, "comparisonTimeout");
            return this;
        }

        public Builder maxDifferences(int maxDifferences) {
            this.maxDifferences = SettingChecks.atLeast(1, maxDifferences, "maxDifferences");
            return this;
        }

        /** This repository's shadow-read circuit breaker, all three values in place of the defaults'. */
        public Builder circuitBreaker(float failureRatePercent, int window, Duration openFor) {
            this.circuitFailureRate = SettingChecks.circuitFailureRate(failureRatePercent);
            this.circuitWindow = SettingChecks.atLeast(1, window, "circuit window");
            this.circuitOpenFor = SettingChecks.circuitOpenFor(openFor);
            return this;
        }

        /** Field names masked in this repository's logs and listener payloads, added to the defaults' names. */
        public Builder sensitiveFields(String... names) {
            for (String name : names) {
                sensitiveFields.add(Objects.requireNonNull(name, "sensitive field name"));
            }
            return this;
        }

        public Builder secondaryWriteFailurePolicy(SecondaryWriteFailurePolicy policy) {
            this.secondaryWriteFailurePolicy = Objects.requireNonNull(policy, "secondaryWriteFailurePolicy");
            return this;
        }

        RepositorySettings build() {
            return new RepositorySettings(this);
        }
    }
}

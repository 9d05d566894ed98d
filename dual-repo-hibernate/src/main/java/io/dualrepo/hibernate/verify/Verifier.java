package io.dualrepo.hibernate.verify;

import io.dualrepo.Side;
import io.dualrepo.compare.Difference;
import io.dualrepo.hibernate.KeyedModel;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.durable.KeySync;
// An internal package of dual-repo-core, used on purpose: the verifier must judge "equal" exactly as the shadow
// comparison does, and render its diffs the same way (masked, escaped, cut); this module ships in lockstep with
// core.
import io.dualrepo.internal.WithheldMessage;
import io.dualrepo.internal.compare.CompareOptions;
import io.dualrepo.internal.compare.StructuralComparator;
import io.dualrepo.record.MigrationRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scans both models of a migration in key order and reports the keys missing in NEW, the keys missing in OLD and
 * the keys whose values differ, with sample diffs through the same structural equivalence as the shadow
 * comparison; and, apart, the disagreeing keys a model rejected ({@link io.dualrepo.hibernate.quarantine.Quarantine}:
 * found by the backfill or the repair), which are not migrated either, so a verification with any is not clean. Two cursors page through the models ({@link KeyedModel#page}), merging by key: a page query per
 * {@code pageSize} rows on each side, never a query per row.
 *
 * <p>It runs while dual writes continue, so a key seen disagreeing may be a write in flight: every such key is read
 * again from both models before it is reported (in batches for keys missing on one side, one by one for differing
 * values), and a key that then agrees counts as resolved. {@link #verifyAndRepair()} then makes the other model
 * hold what the {@linkplain Builder#sourceOfTruth source of truth} holds at each remaining key, through {@link
 * KeySync}: it reads the source again inside the repair's transaction, never repairing from the scan's read.
 *
 * <p>Both models must page in the key type's natural order; a page that does not fails the verification with a
 * {@link KeyOrderException} rather than let the merge report keys missing that are not.
 *
 * <pre>{@code
 * VerificationResult<String> result = Verifier.builder(migration).build().verify();
 * if (!result.isClean()) {
 *     log.warn(result.summary());
 * }
 * }</pre>
 *
 * <p>Thread-safe: each verification keeps its state to itself.
 *
 * @param <K> the key
 * @param <V> the domain value
 */
public final class Verifier<K extends Comparable<? super K>, V> {

    public static final int DEFAULT_PAGE_SIZE = 500;
    public static final int DEFAULT_MAX_SAMPLES = 10;
    public static final Side DEFAULT_SOURCE_OF_TRUTH = Side.OLD;

    /**
     * Counter: discrepancies found (after the re-check). Tags: repository, kind (missing_new, missing_old, differing,
     * quarantined: a key a model rejected, recorded in the quarantine).
     */
    public static final String DISCREPANCIES = "dualrepo.verify.discrepancies";
    /** Counter: discrepancies repaired. Tags: repository, outcome (success, error). */
    public static final String REPAIRS = "dualrepo.verify.repairs";

    private static final Logger log = LoggerFactory.getLogger(Verifier.class);

    private final Migration<K, V> migration;
    private final int pageSize;
    private final int maxSamples;
    private final Side sourceOfTruth;
    private final StructuralComparator comparator;
    private final KeySync<K, V> sync;
    private final Counter missingInNewCounter;
    private final Counter missingInOldCounter;
    private final Counter differingCounter;
    private final Counter quarantinedCounter;
    private final Counter repairedCounter;
    private final Counter repairFailedCounter;
    private final MigrationRecord record;

    private Verifier(Builder<K, V> builder) {
        this.migration = builder.migration;
        this.pageSize = builder.pageSize;
        this.maxSamples = builder.maxSamples;
        this.sourceOfTruth = builder.sourceOfTruth;
        this.comparator = new StructuralComparator(builder.options);
        this.sync = KeySync.of(migration, comparator::equivalent);
        MeterRegistry registry = builder.meterRegistry;
        this.missingInNewCounter = discrepancies(registry, "missing_new");
        this.missingInOldCounter = discrepancies(registry, "missing_old");
        this.differingCounter = discrepancies(registry, "differing");
        this.quarantinedCounter = discrepancies(registry, "quarantined");
        this.repairedCounter = repairs(registry, "success");
        this.repairFailedCounter = repairs(registry, "error");
        this.record = builder.record;
    }

    public static <K extends Comparable<? super K>, V> Builder<K, V> builder(Migration<K, V> migration) {
        return new Builder<>(migration);
    }

    /** Scans and reports; writes nothing. */
    public VerificationResult<K> verify() {
        return run(false);
    }

    /**
     * Scans, reports, and brings every discrepancy in line with the source of truth: the other model gets its value
     * where it is missing or differs, and loses the key where the source holds none. The result reports what the
     * scan found; a second verification shows what is left.
     */
    public VerificationResult<K> verifyAndRepair() {
        return run(true);
    }

    private VerificationResult<K> run(boolean repair) {
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        log.info("{}: verifying OLD against NEW{}", migration.name(),
                repair ? ", repairing from " + sourceOfTruth : "");
        Tally<K> tally = new Tally<>(migration.name());
        QuarantinedKeys<K> quarantine = new QuarantinedKeys<>(migration);
        Cursor oldRows = new Cursor(Side.OLD);
        Cursor newRows = new Cursor(Side.NEW);
        Suspects suspects = new Suspects();
        while (true) {
            V oldValue = oldRows.peek();
            V newValue = newRows.peek();
            if (oldValue == null && newValue == null) {
                break;
            }
            int order = oldValue == null ? 1 : newValue == null ? -1 : oldRows.key().compareTo(newRows.key());
            if (order < 0) {
                suspects.missingInNew.add(oldRows.key());
                oldRows.advance();
            } else if (order > 0) {
                suspects.missingInOld.add(newRows.key());
                newRows.advance();
            } else {
                if (!comparator.equivalent(oldValue, newValue)) {
                    suspects.differing.add(oldRows.key());
                }
                oldRows.advance();
                newRows.advance();
            }
            if (suspects.size() >= pageSize) {
                settle(suspects, tally, repair, quarantine);
            }
        }
        settle(suspects, tally, repair, quarantine);
        tally.oldRows = oldRows.rows;
        tally.newRows = newRows.rows;
        VerificationResult<K> result = new VerificationResult<>(tally, repair ? sourceOfTruth : null,
                Duration.ofNanos(System.nanoTime() - start));
        if (result.isClean()) {
            log.info("{}", result.summary());
        } else {
            log.warn("{}", result.summary());
        }
        if (record != null) {
            recordEvidence(result, startedAt);
        }
        return result;
    }

    /**
     * Tells the migration record what the scan found. Only a scan that found nothing counts as clean: one that
     * repaired keys made them agree with the source of truth, which is evidence for the source, not for the model
     * it overwrote; a second verification gives that. Counts only: the record never holds a value or key of the data.
     */
    private void recordEvidence(VerificationResult<K> result, Instant startedAt) {
        String summary = result.oldRowsScanned() + " OLD and " + result.newRowsScanned() + " NEW rows scanned; "
                + result.missingInNew() + " missing in NEW, " + result.missingInOld() + " missing in OLD, "
                + result.differing() + " differing" + (result.quarantined() > 0 ? ", " + result.quarantined()
                        + " quarantined (rejected by a model)" : "") + (result.repairSource().isPresent()
                        ? "; " + result.repaired() + " repaired from " + result.repairSource().get() : "");
        try {
            record.recordVerification(migration.name(), startedAt, result.isClean(), summary, "verifier");
            if (!result.isClean() && result.missingInOld() == 0 && result.differing() == 0
                    && result.quarantined() == 0) {
                // Rows only missing from NEW: every row NEW holds is right, which is what read-through needs. A
                // quarantined key may be one NEW holds with a value older than OLD's: not that evidence.
                record.recordRowsVerified(migration.name(), Side.NEW, startedAt, summary, "verifier");
            }
        } catch (RuntimeException e) {
            log.warn("{}: verified, but the migration record could not be told; verify again", migration.name(),
                    WithheldMessage.of(e));
        }
    }

    /** Reads every suspect again and counts, samples and (when asked) repairs those that still disagree. */
    private void settle(Suspects suspects, Tally<K> tally, boolean repair, QuarantinedKeys<K> quarantine) {
        List<Finding<K>> findings = new ArrayList<>();
        List<K> differing = new ArrayList<>(suspects.differing);
        // A key missing on one side during the scan is most often still missing: confirm those in two queries,
        // and compare values only for the keys that now turn out to be on both sides.
        List<K> missing = new ArrayList<>(suspects.missingInNew);
        missing.addAll(suspects.missingInOld);
        if (!missing.isEmpty()) {
            KeyedModel<K, V> oldModel = migration.oldModel();
            KeyedModel<K, V> newModel = migration.newModel();
            Set<K> inOld = oldModel.transactions().read(session -> oldModel.present(session, missing));
            Set<K> inNew = newModel.transactions().read(session -> newModel.present(session, missing));
            for (K key : missing) {
                boolean old = inOld.contains(key);
                boolean neu = inNew.contains(key);
                if (old && neu) {
                    differing.add(key);
                } else if (old || neu) {
                    findings.add(new Finding<>(key, old ? Kind.MISSING_IN_NEW : Kind.MISSING_IN_OLD, List.of()));
                } else {
                    tally.resolved++;
                }
            }
        }
        differing.sort(null);
        for (K key : differing) {
            Optional<V> oldValue = find(migration.oldModel(), key);
            Optional<V> newValue = find(migration.newModel(), key);
            if (oldValue.isPresent() && newValue.isPresent()) {
                List<Difference> differences = comparator.diff(oldValue.get(), newValue.get());
                if (differences.isEmpty()) {
                    tally.resolved++;
                } else {
                    findings.add(new Finding<>(key, Kind.DIFFERING, differences));
                }
            } else if (oldValue.isPresent() || newValue.isPresent()) {
                findings.add(new Finding<>(key, oldValue.isPresent() ? Kind.MISSING_IN_NEW : Kind.MISSING_IN_OLD,
                        List.of()));
            } else {
                tally.resolved++;
            }
        }
        // A key a model rejected (the backfill's or the repair's quarantine) is reported as such: known, and not
        // migrated.
        Set<K> quarantined = quarantine.among(findings.stream().map(Finding::key).toList());
        for (Finding<K> finding : findings) {
            K key = finding.key();
            if (quarantined.contains(key)) {
                tally.quarantined(key, maxSamples);
                quarantinedCounter.increment();
            } else if (finding.kind() == Kind.MISSING_IN_NEW) {
                tally.missingInNew(key, maxSamples);
                missingInNewCounter.increment();
            } else if (finding.kind() == Kind.MISSING_IN_OLD) {
                tally.missingInOld(key, maxSamples);
                missingInOldCounter.increment();
            } else {
                tally.differing(key, finding.differences(), maxSamples);
                differingCounter.increment();
            }
            if (repair(key, tally, repair) && quarantined.contains(key)) {
                releaseQuietly(quarantine, key);
            }
        }
        suspects.clear();
    }

    private enum Kind { MISSING_IN_NEW, MISSING_IN_OLD, DIFFERING }

    /** A key that still disagreed when read again. */
    private record Finding<K>(K key, Kind kind, List<Difference> differences) {}

    private void releaseQuietly(QuarantinedKeys<K> quarantine, K key) {
        try {
            quarantine.release(key, sourceOfTruth.other());
        } catch (RuntimeException e) {
            log.warn("{}: key {} was repaired, but could not be taken out of the quarantine", migration.name(),
                    VerificationResult.render(key), WithheldMessage.of(e));
        }
    }

    /** Whether the key was repaired. */
    private boolean repair(K key, Tally<K> tally, boolean repair) {
        if (!repair) {
            return false;
        }
        try {
            sync.sync(sourceOfTruth, key);
            tally.repaired++;
            repairedCounter.increment();
            return true;
        } catch (RuntimeException e) {
            tally.repairFailed(key, WithheldMessage.describe(e), maxSamples);
            repairFailedCounter.increment();
            log.warn("{}: repair of key {} from {} failed", migration.name(),
                    VerificationResult.render(key), sourceOfTruth, WithheldMessage.of(e));
            return false;
        }
    }

    private Optional<V> find(KeyedModel<K, V> model, K key) {
        return model.transactions().read(session -> model.find(session, key));
    }

    private Counter discrepancies(MeterRegistry registry, String kind) {
        return Counter.builder(DISCREPANCIES)
                .description("Discrepancies between the two models found by the verifier")
                .tag("repository", migration.name())
                .tag("kind", kind)
                .register(registry);
    }

    private Counter repairs(MeterRegistry registry, String outcome) {
        return Counter.builder(REPAIRS)
                .description("Discrepancies the verifier repaired")
                .tag("repository", migration.name())
                .tag("outcome", outcome)
                .register(registry);
    }

    /** Pages through one model in key order, checking that the order is what the merge needs. */
    private final class Cursor {
        private final Side side;
        private final KeyedModel<K, V> model;
        private List<V> page = List.of();
        private int index;
        private boolean exhausted;
        private K lastKey;
        private K currentKey;
        long rows;

        Cursor(Side side) {
            this.side = side;
            this.model = migration.model(side);
        }

        /** The current value, or null at the end. */
        V peek() {
            if (index == page.size()) {
                if (exhausted) {
                    return null;
                }
                K after = lastKey;
                page = model.transactions().read(session -> model.page(session, after, pageSize));
                index = 0;
                // A short page is the last; an empty one too, also when the model ignores the limit.
                exhausted = page.size() < pageSize;
                if (page.isEmpty()) {
                    return null;
                }
            }
            if (currentKey == null) {
                V value = page.get(index);
                K key = Objects.requireNonNull(model.keyOf(value),
                        () -> migration.name() + ": the " + side + " model's keyOf returned null for " + value);
                if (lastKey != null && key.compareTo(lastKey) <= 0) {
                    throw new KeyOrderException(migration.name(), side, lastKey, key);
                }
                currentKey = key;
            }
            return page.get(index);
        }

        K key() {
            return currentKey;
        }

        void advance() {
            lastKey = currentKey;
            currentKey = null;
            index++;
            rows++;
        }
    }

    /** Keys that disagreed during the scan, waiting to be read again. */
    private final class Suspects {
        final List<K> missingInNew = new ArrayList<>();
        final List<K> missingInOld = new ArrayList<>();
        final List<K> differing = new ArrayList<>();

        int size() {
            return missingInNew.size() + missingInOld.size() + differing.size();
        }

        void clear() {
            missingInNew.clear();
            missingInOld.clear();
            differing.clear();
        }
    }

    /** Builds a {@link Verifier}; every setting has a named default. */
    public static final class Builder<K extends Comparable<? super K>, V> {

        private final Migration<K, V> migration;
        private int pageSize = DEFAULT_PAGE_SIZE;
        private int maxSamples = DEFAULT_MAX_SAMPLES;
        private Side sourceOfTruth = DEFAULT_SOURCE_OF_TRUTH;
        private CompareOptions options = CompareOptions.defaults();
        private MeterRegistry meterRegistry = Metrics.globalRegistry;
        private MigrationRecord record;

        private Builder(Migration<K, V> migration) {
            this.migration = Objects.requireNonNull(migration, "migration");
        }

        /** Rows per page query on each side. Default {@value #DEFAULT_PAGE_SIZE}. */
        public Builder<K, V> pageSize(int pageSize) {
            if (pageSize < 1) {
                throw new IllegalArgumentException("pageSize must be at least 1, was " + pageSize);
            }
            this.pageSize = pageSize;
            return this;
        }

        /** Sample keys kept of each kind of discrepancy (counts are always exact). Default {@value #DEFAULT_MAX_SAMPLES}. */
        public Builder<K, V> maxSamples(int maxSamples) {
            if (maxSamples < 0) {
                throw new IllegalArgumentException("maxSamples must not be negative, was " + maxSamples);
            }
            this.maxSamples = maxSamples;
            return this;
        }

        /**
         * The model {@link #verifyAndRepair()} makes the other one agree with. Default OLD; during LIVE, when NEW
         * answers reads and takes writes first, a team may choose NEW.
         */
        public Builder<K, V> sourceOfTruth(Side side) {
            this.sourceOfTruth = Objects.requireNonNull(side, "sourceOfTruth");
            return this;
        }

        /** Fields left out of the comparison, as in {@code @Compare(ignoreFields = ...)}: names or dotted paths. */
        public Builder<K, V> ignoredFields(String... fields) {
            this.options = options.withIgnoredFields(Arrays.asList(fields));
            return this;
        }

        /** Compare collections as multisets, as in {@code @Compare(unordered = true)}. */
        public Builder<K, V> unorderedCollections(boolean unordered) {
            this.options = options.withUnorderedCollections(unordered);
            return this;
        }

        /** Field names masked in diffs, on top of those annotated {@code @Sensitive}. */
        public Builder<K, V> sensitiveFields(String... names) {
            this.options = options.withSensitiveFieldNames(Arrays.asList(names));
            return this;
        }

        /** Differences kept per differing key. Default {@value CompareOptions#DEFAULT_MAX_DIFFERENCES}. */
        public Builder<K, V> maxDifferencesPerKey(int max) {
            this.options = options.withMaxDifferences(max);
            return this;
        }

        /** Default: Micrometer's global registry. */
        public Builder<K, V> meterRegistry(MeterRegistry meterRegistry) {
            this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        /**
         * Where each verification's outcome is recorded (counts only), as the evidence the transition rules ask for
         * before a model serves reads. None by default: then nothing is recorded.
         */
        public Builder<K, V> migrationRecord(MigrationRecord record) {
            this.record = Objects.requireNonNull(record, "record");
            return this;
        }

        public Verifier<K, V> build() {
            return new Verifier<>(this);
        }
    }
}

package io.dualrepo.hibernate.verify;

import io.dualrepo.Side;
import io.dualrepo.compare.Difference;
import io.dualrepo.hibernate.KeyedModel;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.internal.lease.LeaseStore;
import io.dualrepo.hibernate.internal.lease.LeaseStore.Totals;
import io.dualrepo.hibernate.internal.lease.LeaseTables;
import io.dualrepo.record.MigrationRecord;
import io.dualrepo.spi.StructuralDiff;
import io.dualrepo.spi.WithheldMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.hibernate.Session;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A pass's tables made ready, its result put together from every segment's findings, and its evidence recorded. */
final class Passes<K extends Comparable<? super K>, V> {

    private static final Logger log = LoggerFactory.getLogger(Verifier.class);

    private final Migration<K, V> migration;
    private final String job;
    private final StructuralDiff comparator;
    private final int maxSamples;
    private final Side sourceOfTruth;
    private final @Nullable MigrationRecord record;
    private final boolean createTables;

    Passes(Migration<K, V> migration, String job, StructuralDiff comparator, int maxSamples, Side sourceOfTruth,
            @Nullable MigrationRecord record, boolean createTables) {
        this.migration = migration;
        this.job = job;
        this.comparator = comparator;
        this.maxSamples = maxSamples;
        this.sourceOfTruth = sourceOfTruth;
        this.record = record;
        this.createTables = createTables;
    }

    void prepare(LeaseStore store) {
        if (!createTables) {
            inNew(session -> {
                store.requireTables(session, "verify " + job);
                return null;
            });
        } else if (!inNew(store::tablesExist)) {
            log.info("verify {}: creating its tables {} and {}", job, LeaseTables.VERIFY.checkpoint(),
                    LeaseTables.VERIFY.lease());
            try {
                inNew(session -> {
                    store.createTables(session);
                    return null;
                });
            } catch (RuntimeException e) {
                // Another instance creating them at the same moment: PostgreSQL's "if not exists" does not cover a
                // concurrent creation (a unique violation in its catalogue). Fine if they are there now.
                if (!inNew(store::tablesExist)) {
                    throw e;
                }
            }
        }
        try {
            inNew(session -> {
                store.probeSkipLocked(session);
                return null;
            });
        } catch (RuntimeException unsupported) {
            store.skipLocked(false);
        }
        try {
            inNew(session -> {
                store.createCheckpoint(session);
                return null;
            });
        } catch (RuntimeException raced) {
            // Another instance created it at the same moment: a unique violation; it is there now.
            inNew(session -> {
                store.createCheckpoint(session);
                return null;
            });
        }
    }

    /** The pass's result, put together from every segment's findings in the lease table (this run's and others'). */
    VerificationResult<K> result(VerifierRun<K, V> run, boolean complete, Duration took) {
        LeaseStore store = run.store;
        Tally<K> tally = new Tally<>(migration.name());
        Totals totals = inNew(store::totals);
        tally.oldRows = totals.done();
        tally.newRows = totals.written();
        for (String findings : inNew(store::findings)) {
            Findings.addTo(tally, findings, migration.keyType(), maxSamples);
        }
        for (Map.Entry<K, List<Difference>> sample : tally.differingSample.entrySet()) {
            if (sample.getValue() == null) {
                List<Difference> seen = run.differences(sample.getKey());
                sample.setValue(seen != null ? seen : differencesNow(sample.getKey()));
            }
        }
        return new VerificationResult<>(tally, run.repair ? sourceOfTruth : null, took, complete);
    }

    /** A differing key another run or instance found: its differences as they are now (none if it agrees now). */
    private List<Difference> differencesNow(K key) {
        Optional<V> oldValue = find(migration.oldModel(), key);
        Optional<V> newValue = find(migration.newModel(), key);
        return oldValue.isPresent() && newValue.isPresent() ? comparator.diff(oldValue.get(), newValue.get())
                : List.of();
    }

    /**
     * Tells the migration record what the scan found. Only a scan that found nothing counts as clean: one that
     * repaired keys made them agree with the source of truth, which is evidence for the source, not for the model
     * it overwrote; a second verification gives that. Counts only: the record never holds a value or key of the data.
     */
    void recordEvidence(VerificationResult<K> result, Instant startedAt) {
        MigrationRecord record = Objects.requireNonNull(this.record, "evidence is recorded only with a record");
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

    private Optional<V> find(KeyedModel<K, V> model, K key) {
        return model.transactions().read(session -> model.find(session, key));
    }

    private <R> R inNew(Function<Session, R> work) {
        return migration.newModel().transactions().inTransaction(work);
    }
}

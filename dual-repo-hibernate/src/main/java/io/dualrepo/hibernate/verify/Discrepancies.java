package io.dualrepo.hibernate.verify;

import io.dualrepo.Side;
import io.dualrepo.hibernate.HibernateMeters;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.durable.KeySync;
import io.dualrepo.spi.WithheldMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the workers do with the keys that still disagreed after their re-checks: count, sample, meter, repair. */
final class Discrepancies<K extends Comparable<? super K>, V> {

    private static final Logger log = LoggerFactory.getLogger(Verifier.class);

    private final Migration<K, V> migration;
    private final KeySync<K, V> sync;
    private final Side sourceOfTruth;
    private final int maxSamples;
    private final Counter missingInNewCounter;
    private final Counter missingInOldCounter;
    private final Counter differingCounter;
    private final Counter quarantinedCounter;
    private final Counter repairedCounter;
    private final Counter repairFailedCounter;

    Discrepancies(Migration<K, V> migration, KeySync<K, V> sync, Side sourceOfTruth, int maxSamples,
            MeterRegistry registry) {
        this.migration = migration;
        this.sync = sync;
        this.sourceOfTruth = sourceOfTruth;
        this.maxSamples = maxSamples;
        this.missingInNewCounter = discrepancies(registry, "missing_new");
        this.missingInOldCounter = discrepancies(registry, "missing_old");
        this.differingCounter = discrepancies(registry, "differing");
        this.quarantinedCounter = discrepancies(registry, "quarantined");
        this.repairedCounter = repairs(registry, "success");
        this.repairFailedCounter = repairs(registry, "error");
    }

    /** Counts, samples and (when the run repairs) repairs the keys that still disagreed after their re-checks. */
    void count(List<Finding<K>> findings, Tally<K> tally, VerifierRun<K, V> run) {
        if (findings.isEmpty()) {
            return;
        }
        // A key a model rejected (the backfill's or the repair's quarantine) is reported as such: known, and not
        // migrated.
        Set<K> quarantined = run.quarantine.among(findings.stream().map(Finding::key).toList());
        for (Finding<K> finding : findings) {
            K key = finding.key();
            if (quarantined.contains(key)) {
                tally.quarantined(key, maxSamples);
                quarantinedCounter.increment();
            } else if (finding.kind() == Finding.Kind.MISSING_IN_NEW) {
                tally.missingInNew(key, maxSamples);
                missingInNewCounter.increment();
            } else if (finding.kind() == Finding.Kind.MISSING_IN_OLD) {
                tally.missingInOld(key, maxSamples);
                missingInOldCounter.increment();
            } else {
                tally.differing(key, finding.differences(), maxSamples);
                differingCounter.increment();
            }
            if (repair(key, tally, run.repair) && quarantined.contains(key)) {
                releaseQuietly(run.quarantine, key);
            }
        }
    }

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

    private Counter discrepancies(MeterRegistry registry, String kind) {
        return Counter.builder(HibernateMeters.VERIFY_DISCREPANCIES.meterName())
                .description(HibernateMeters.VERIFY_DISCREPANCIES.description())
                .tag("repository", migration.name())
                .tag("kind", kind)
                .register(registry);
    }

    private Counter repairs(MeterRegistry registry, String outcome) {
        return Counter.builder(HibernateMeters.VERIFY_REPAIRS.meterName())
                .description(HibernateMeters.VERIFY_REPAIRS.description())
                .tag("repository", migration.name())
                .tag("outcome", outcome)
                .register(registry);
    }
}

package io.dualrepo.hibernate.verify;

import io.dualrepo.compare.Difference;
import io.dualrepo.hibernate.internal.lease.LeaseStore;
import io.dualrepo.hibernate.internal.lease.Pacer;
import io.dualrepo.hibernate.internal.lease.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/** What one {@code verify()} call's workers share. */
final class VerifierRun<K extends Comparable<? super K>, V> {

    final String job;
    final boolean repair;
    final LeaseStore store;
    final Progress progress;
    final Pacer pacer;
    final QuarantinedKeys<K> quarantine;
    private final Ticker ticker;
    private volatile boolean stopping;
    private volatile boolean finishedHere;
    /** The differences of the differing keys this run found, for the result's sample: the leases keep keys only. */
    private final Map<K, List<Difference>> differences = new ConcurrentHashMap<>();

    VerifierRun(String job, boolean repair, LeaseStore store, Progress progress, Pacer pacer,
            QuarantinedKeys<K> quarantine, Ticker ticker) {
        this.job = job;
        this.repair = repair;
        this.store = store;
        this.progress = progress;
        this.pacer = pacer;
        this.quarantine = quarantine;
        this.ticker = ticker;
    }

    /** Whether the workers are to stop after their segment: the run was interrupted, or a worker failed. */
    boolean stopping() {
        return stopping || Thread.currentThread().isInterrupted();
    }

    void stop() {
        stopping = true;
    }

    /** This run's worker marked the pass finished: its evidence is this run's to record. */
    void finishedHere() {
        finishedHere = true;
    }

    boolean isFinishedHere() {
        return finishedHere;
    }

    /** Sleeps on the ticker; false (the flag set again) when interrupted or stopping. */
    boolean sleep(Duration pause) {
        if (stopping()) {
            return false;
        }
        if (pause.isZero()) {
            return true;
        }
        try {
            ticker.sleep(pause.toNanos());
            return !stopping();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void keepDifferences(Tally<K> tally) {
        differences.putAll(tally.differingSample);
    }

    @Nullable List<Difference> differences(K key) {
        return differences.get(key);
    }
}

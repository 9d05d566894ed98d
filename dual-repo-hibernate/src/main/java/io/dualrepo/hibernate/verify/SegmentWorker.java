package io.dualrepo.hibernate.verify;

import io.dualrepo.Side;
import io.dualrepo.compare.Difference;
import io.dualrepo.hibernate.KeyType;
import io.dualrepo.hibernate.KeyedModel;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.internal.lease.Conflicts;
import io.dualrepo.hibernate.internal.lease.LeaseStore;
import io.dualrepo.hibernate.internal.lease.LeaseStore.Checkpoint;
import io.dualrepo.hibernate.internal.lease.LeaseStore.Lease;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.hibernate.Session;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker of a verification run: claims segments (a page of OLD's keys, or an expired segment), verifies each
 * against NEW and records it done with its findings, until the pass is finished or the run stops.
 */
final class SegmentWorker<K extends Comparable<? super K>, V> implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Verifier.class);
    private static final int CLAIM_RETRIES = 10;

    private final Verifier<K, V> verifier;
    private final VerifierRun<K, V> run;
    private final String owner;
    private final Migration<K, V> migration;
    private final KeyedModel<K, V> oldModel;
    private final KeyedModel<K, V> newModel;
    private final KeyType<K> keyType;
    private final LeaseStore store;

    SegmentWorker(Verifier<K, V> verifier, VerifierRun<K, V> run, String owner) {
        this.verifier = verifier;
        this.run = run;
        this.owner = owner;
        this.migration = verifier.migration;
        this.oldModel = migration.oldModel();
        this.newModel = migration.newModel();
        this.keyType = migration.keyType();
        this.store = run.store;
    }

    private sealed interface Claim permits Fresh, Expired, Wait, Finished {}

    /** A new segment and OLD's rows in it, read while claiming it. */
    private record Fresh(Lease lease, List<?> oldRows) implements Claim {}

    private record Expired(Lease lease, String previousOwner) implements Claim {}

    private record Wait() implements Claim {}

    private record Finished() implements Claim {}

    @Override
    public void run() {
        while (!run.stopping() && run.pacer.awaitTurn()) {
            Claim claim = claim();
            if (claim instanceof Fresh fresh) {
                @SuppressWarnings("unchecked")
                List<V> rows = (List<V>) fresh.oldRows();
                verify(fresh.lease(), rows);
            } else if (claim instanceof Expired expired) {
                LOG.info("verify {}: {} segment {} (keys {})", run.job, expired.previousOwner().equals(owner)
                        ? "taking back its own unfinished" : "taking over from worker " + expired.previousOwner()
                        + ", whose lease expired,", expired.lease().seq(), range(expired.lease()));
                verify(expired.lease(), null);
            } else if (claim instanceof Wait) {
                if (!run.sleep(Verifier.POLL_INTERVAL)) {
                    break;
                }
            } else {
                return;
            }
        }
    }

    private Claim claim() {
        for (int attempt = 1; ; attempt++) {
            try {
                return inNew(session -> {
                    // Lost in a crash, a claim is only made again: its segment was not recorded done either.
                    store.relaxDurability(session);
                    Checkpoint checkpoint = store.lockCheckpoint(session);
                    if (checkpoint.finished()) {
                        return new Finished();
                    }
                    Optional<Lease> expired = store.lockExpired(session);
                    if (expired.isPresent()) {
                        return new Expired(store.takeOver(session, expired.get(), owner, token()),
                                expired.get().owner());
                    }
                    if (!store.tailClaimed(session)) {
                        K after = checkpoint.lastKey() == null ? null : keyType.decode(checkpoint.lastKey());
                        List<V> page = oldModel.transactions().read(old -> oldModel.page(old, after,
                                verifier.pageSize));
                        // A full page ends its segment at its last key; a short one is the last of OLD's rows, so
                        // its segment runs on to NEW's last key.
                        String end = page.size() < verifier.pageSize ? null
                                : keyType.encode(oldModel.keyOf(page.get(page.size() - 1)));
                        return new Fresh(store.claim(session, checkpoint, end, owner, token()), page);
                    }
                    if (store.anyOpen(session)) {
                        return new Wait();
                    }
                    store.finish(session, store.totals(session));
                    run.finishedHere();
                    return new Finished();
                });
            } catch (RuntimeException e) {
                if (attempt >= CLAIM_RETRIES || !Conflicts.isConflict(e)) {
                    throw e;
                }
                LOG.debug("verify {}: claiming a segment conflicted with another worker; trying again", run.job);
            }
        }
    }

    /** Verifies a segment and records it done; {@code oldRows} null: read them (a segment taken over). */
    private void verify(Lease lease, @Nullable List<V> oldRows) {
        K start = lease.startKey() == null ? null : keyType.decode(lease.startKey());
        K end = lease.endKey() == null ? null : keyType.decode(lease.endKey());
        Tally<K> tally = new Tally<>(migration.name());
        Suspects<K, V> suspects = new Suspects<>(verifier, run, tally);
        RangeCursor oldCursor = new RangeCursor(Side.OLD, start, end, oldRows,
                oldRows == null ? verifier.pageSize : 0);
        // NEW usually holds the same keys as OLD's page: one row more tells that the segment ends there, without a
        // second page query that would read a whole page past the segment.
        RangeCursor newCursor = new RangeCursor(Side.NEW, start, end, null,
                oldRows == null ? verifier.pageSize : oldRows.size() + 1);
        while (true) {
            V oldValue = oldCursor.peek();
            V newValue = newCursor.peek();
            if (oldValue == null && newValue == null) {
                break;
            }
            int order = oldValue == null ? 1 : newValue == null ? -1 : oldCursor.key().compareTo(newCursor.key());
            if (order < 0) {
                suspects.add(oldCursor.key());
                oldCursor.advance();
            } else if (order > 0) {
                suspects.add(newCursor.key());
                newCursor.advance();
            } else {
                // Equal keys: both cursors hold a value.
                if (!verifier.equivalent(Objects.requireNonNull(oldValue), Objects.requireNonNull(newValue))) {
                    suspects.add(oldCursor.key());
                }
                oldCursor.advance();
                newCursor.advance();
            }
            if (suspects.size() >= verifier.pageSize) {
                suspects.settle();
            }
        }
        suspects.settle();
        if (run.stopping()) {
            // Its re-checks were cut short: leave the segment to the next run (this worker's own, taken back at
            // once by its workerId; any other's once the lease expires).
            return;
        }
        tally.oldRows = oldCursor.rows;
        tally.newRows = newCursor.rows;
        long found = tally.missingInNew + tally.missingInOld + tally.differing + tally.quarantined;
        String findings = Findings.encode(tally, keyType);
        boolean recorded = inNew(session -> {
            store.relaxDurability(session);
            return store.markVerified(session, lease, tally.oldRows, tally.newRows, found, findings);
        });
        if (!recorded) {
            LOG.info("verify {}: segment {} (keys {}) was taken over by another worker after its lease expired;"
                    + " its findings are that worker's to record", run.job, lease.seq(), range(lease));
            return;
        }
        run.keepDifferences(tally);
        run.pacer.consumed((int) Math.min(Integer.MAX_VALUE, tally.oldRows));
        run.progress.segment(tally.oldRows, found);
    }

    private <R> R inNew(Function<Session, R> work) {
        return newModel.transactions().inTransaction(work);
    }

    private static String token() {
        return UUID.randomUUID().toString();
    }

    private static String range(Lease lease) {
        return "after " + (lease.startKey() == null ? "the start" : "'" + lease.startKey() + "'") + " through "
                + (lease.endKey() == null ? "the end" : "'" + lease.endKey() + "'");
    }

    /**
     * Pages through one model's rows after {@code start} through {@code end} (null: to the last), checking the order
     * the merge needs. Starts from {@code first} when given: rows already read, the whole of the range.
     */
    private final class RangeCursor {
        private final Side side;
        private final KeyedModel<K, V> model;
        private final @Nullable K end;
        private List<V> page;
        private int index;
        private boolean exhausted;
        private int limit;
        private @Nullable K lastKey;
        private @Nullable K currentKey;
        long rows;

        RangeCursor(Side side, @Nullable K start, @Nullable K end, @Nullable List<V> first, int firstLimit) {
            this.side = side;
            this.model = migration.model(side);
            this.end = end;
            this.lastKey = start;
            this.page = first == null ? List.of() : first;
            this.exhausted = first != null;
            this.limit = firstLimit;
        }

        /** The current value; none past the range's end. */
        @Nullable V peek() {
            if (currentKey != null) {
                return page.get(index);
            }
            if (index == page.size()) {
                if (exhausted) {
                    return null;
                }
                K after = lastKey;
                int size = limit;
                page = model.transactions().read(session -> model.page(session, after, size));
                index = 0;
                limit = verifier.pageSize;
                // A short page is the last; an empty one too, also when the model ignores the limit.
                exhausted = page.size() < size;
                if (page.isEmpty()) {
                    return null;
                }
            }
            V value = page.get(index);
            K key = Objects.requireNonNull(model.keyOf(value),
                    () -> migration.name() + ": the " + side + " model's keyOf returned null for " + value);
            if (lastKey != null && key.compareTo(lastKey) <= 0) {
                throw new KeyOrderException(migration.name(), side, lastKey, key);
            }
            if (end != null && key.compareTo(end) > 0) {
                exhausted = true;
                index = page.size();
                return null;
            }
            currentKey = key;
            return value;
        }

        /** The current value's key; asked only after {@link #peek} returned a value. */
        K key() {
            return Objects.requireNonNull(currentKey, "key() after peek() found a value");
        }

        void advance() {
            lastKey = currentKey;
            currentKey = null;
            index++;
            rows++;
        }
    }

    /** Keys that disagreed during the scan, read again (a few times over the re-check window) before counting. */
    static final class Suspects<K extends Comparable<? super K>, V> {
        private final Verifier<K, V> verifier;
        private final VerifierRun<K, V> run;
        private final Tally<K> tally;
        private final List<K> keys = new ArrayList<>();

        Suspects(Verifier<K, V> verifier, VerifierRun<K, V> run, Tally<K> tally) {
            this.verifier = verifier;
            this.run = run;
            this.tally = tally;
        }

        void add(K key) {
            keys.add(key);
        }

        int size() {
            return keys.size();
        }

        void settle() {
            if (keys.isEmpty()) {
                return;
            }
            List<Finding<K>> findings = List.of();
            List<K> left = new ArrayList<>(keys);
            keys.clear();
            for (int check = 1; check <= verifier.recheckTimes && !left.isEmpty(); check++) {
                if (!run.sleep(verifier.recheckPause)) {
                    // Stopping: what is left is reported as it was last seen.
                    break;
                }
                findings = recheck(left);
                left = findings.stream().map(Finding::key).toList();
            }
            verifier.discrepancies.count(findings, tally, run);
        }

        /** Reads the keys again from both models: those that still disagree, the others counted as resolved. */
        private List<Finding<K>> recheck(List<K> suspects) {
            Migration<K, V> migration = verifier.migration;
            KeyedModel<K, V> oldModel = migration.oldModel();
            KeyedModel<K, V> newModel = migration.newModel();
            Set<K> inOld = oldModel.transactions().read(session -> oldModel.present(session, suspects));
            Set<K> inNew = newModel.transactions().read(session -> newModel.present(session, suspects));
            List<Finding<K>> findings = new ArrayList<>();
            for (K key : suspects) {
                boolean old = inOld.contains(key);
                boolean neu = inNew.contains(key);
                if (old && neu) {
                    Optional<V> oldValue = oldModel.transactions().read(session -> oldModel.find(session, key));
                    Optional<V> newValue = newModel.transactions().read(session -> newModel.find(session, key));
                    if (oldValue.isPresent() && newValue.isPresent()) {
                        List<Difference> differences = verifier.diff(oldValue.get(), newValue.get());
                        if (!differences.isEmpty()) {
                            findings.add(new Finding<>(key, Finding.Kind.DIFFERING, differences));
                        }
                    } else if (oldValue.isPresent() || newValue.isPresent()) {
                        findings.add(new Finding<>(key, oldValue.isPresent() ? Finding.Kind.MISSING_IN_NEW
                                : Finding.Kind.MISSING_IN_OLD, List.of()));
                    }
                } else if (old || neu) {
                    findings.add(new Finding<>(key, old ? Finding.Kind.MISSING_IN_NEW : Finding.Kind.MISSING_IN_OLD,
                            List.of()));
                }
            }
            tally.resolved += suspects.size() - findings.size();
            return findings;
        }
    }
}

package io.dualrepo.hibernate.backfill;

import io.dualrepo.Side;
import io.dualrepo.hibernate.KeyType;
import io.dualrepo.hibernate.KeyedModel;
import io.dualrepo.hibernate.backfill.BatchCheck.Copied;
import io.dualrepo.hibernate.backfill.Rejections.Rejected;
import io.dualrepo.hibernate.internal.QuarantineStore;
import io.dualrepo.hibernate.internal.lease.LeaseStore;
import io.dualrepo.hibernate.internal.lease.LeaseStore.Checkpoint;
import io.dualrepo.hibernate.internal.lease.LeaseStore.Lease;
import io.dualrepo.hibernate.internal.lease.LeaseStore.Totals;
import io.dualrepo.hibernate.internal.lease.LeaseTables;
import io.dualrepo.hibernate.internal.lease.Pacer;
import io.dualrepo.hibernate.quarantine.Quarantine;
import io.dualrepo.spi.WithheldMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * One {@link Backfill#run()} that copies: the claim, copy, check loop the class javadoc of {@link Backfill}
 * describes.
 */
final class Worker<K extends Comparable<? super K>, V> {

    private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);

    private final Backfill<K, V> config;
    private final String job;
    private final KeyedModel<K, V> oldModel;
    private final KeyedModel<K, V> newModel;
    private final KeyType<K> keyType;
    private final LeaseStore store;
    private final Pacer pacer;
    private final ProgressReporter progress;
    private final Attempts attempts;
    private final Rejections rejections;
    private final RowByRow<K, V> rowByRow;
    private final BatchCheck<K, V> checks;
    private final long startNanos = System.nanoTime();

    private long scanned;
    private long written;
    private long removed;
    private long batches;

    Worker(Backfill<K, V> config, ProgressReporter progress, @Nullable BackfillMeters meters) {
        this.config = config;
        this.job = config.job;
        this.oldModel = config.migration.oldModel();
        this.newModel = config.migration.newModel();
        this.keyType = config.migration.keyType();
        this.store = new LeaseStore(LeaseTables.BACKFILL, job, config.clock, config.leaseDuration);
        this.pacer = new Pacer(config.rowsPerSecond);
        this.progress = progress;
        this.attempts = new Attempts(job, config.maxRetries, progress, newModel.transactions());
        this.rejections = new Rejections(config, progress, meters);
        this.rowByRow = new RowByRow<>(config, store, attempts, rejections);
        this.checks = new BatchCheck<>(config, store, attempts, rejections);
    }

    private void check(Copied<K, V> copied) {
        long count = checks.check(copied);
        removed += count;
        progress.removed(count);
    }

    private sealed interface Claim permits Fresh, Expired, Wait, Finished {}

    private record Fresh<V>(Lease lease, List<V> values) implements Claim {}

    private record Expired(Lease lease, String previousOwner) implements Claim {}

    private record Wait() implements Claim {}

    private record Finished(Totals totals) implements Claim {}

    BackfillResult run() {
        if (!config.createTables) {
            // Before the try: its message names only tables and columns, and is what the operator needs to read.
            requireTables();
        }
        try {
            return work();
        } catch (BackfillException e) {
            throw stopped(e);
        } catch (RuntimeException e) {
            throw stopped(BackfillException.failed(job, 0, null, null, null, "worker " + config.workerId, e));
        } catch (Error e) {
            LOG.error("backfill {}: worker {} failed after {} batches ({} rows copied, {} written); the next run"
                    + " resumes after the last committed batch", job, config.workerId, batches, scanned, written,
                    WithheldMessage.of(e));
            throw e;
        }
    }

    private BackfillException stopped(BackfillException e) {
        // Its message names the batch and the key and quotes no value; its cause's messages are withheld.
        LOG.error("backfill {}: worker {} stopped after {} batches ({} rows copied, {} written, {} rejected)", job,
                config.workerId, batches, scanned, written, rejections.rejected(), e);
        return e;
    }

    private BackfillResult work() {
        prepare();
        if (config.restart) {
            inNew(session -> {
                store.restart(session);
                return null;
            });
            LOG.info("backfill {}: restarted from the first key; its checkpoint and leases were cleared", job);
        }
        int own = inNew(session -> store.expireOwnedBy(session, config.workerId));
        progress.quarantineAt(inNew(session -> QuarantineStore.count(session, config.migration.name(), Side.NEW)));
        new QuarantineRetry<>(config, attempts, rejections).run();
        Checkpoint checkpoint = inNew(store::checkpoint);
        if (checkpoint.finished()) {
            LOG.info("backfill {}: already finished, nothing more to copy (restart() scans from the first key again)",
                    job);
            return result(true, quarantined());
        }
        Totals before = inNew(store::totals);
        long total = oldModel.transactions().read(oldModel::estimateCount);
        progress.start(before, total);
        LOG.info("backfill {}: worker {} starting {}; {} rows done before, about {} in all; batches of {}, {}{}", job,
                config.workerId, checkpoint.lastKey() == null ? "at the first key"
                        : "after key '" + checkpoint.lastKey() + "'", before.done(), total < 0 ? "?" : total,
                config.batchSize, Double.isInfinite(config.rowsPerSecond) ? "no rate limit"
                        : "at most " + config.rowsPerSecond + " rows/s",
                own > 0 ? "; taking back " + own + " unfinished batches of its own" : "");

        @Nullable Copied<K, V> unchecked = null;
        boolean finished = false;
        long inQuarantine;
        try (Copier<Copy<K, V>> copier = new Copier<>(job, config.workerId)) {
            while (!Thread.currentThread().isInterrupted() && !copier.interrupted() && pacer.awaitTurn()) {
                if (progress.refreshDue()) {
                    progress.refresh(inNew(store::totals), quarantined());
                }
                // Claimed while the batch before it is being copied.
                Claim claim = claim();
                if (claim instanceof Fresh<?> fresh) {
                    @SuppressWarnings("unchecked")
                    List<V> values = (List<V>) fresh.values();
                    @Nullable Copy<K, V> previous = copier.land();
                    // Counted before the next copy starts: past maxRejectedRows, no more batches are copied.
                    @Nullable Copied<K, V> landed = previous == null ? null : account(previous);
                    copier.start(() -> copyRows(fresh.lease(), values));
                    pacer.consumed(values.size());
                    if (previous != null) {
                        // A batch is checked once the next one's copy has committed: see "Deletes racing the copy"
                        // in Backfill. That check runs while this batch is copied.
                        unchecked = checkThen(unchecked, landed);
                    }
                    continue;
                }
                unchecked = land(copier, unchecked);
                if (claim instanceof Expired expired) {
                    unchecked = takeOver(expired.lease(), expired.previousOwner(), unchecked);
                } else if (claim instanceof Wait) {
                    if (unchecked != null) {
                        check(unchecked);
                        unchecked = null;
                    } else if (!Attempts.sleep(config.pollInterval)) {
                        break;
                    }
                } else if (claim instanceof Finished done) {
                    progress.finished(done.totals(), quarantined());
                    finished = true;
                    break;
                }
            }
            if (finished) {
                inQuarantine = quarantined();
            } else {
                // Interrupted: finish the batches in hand, so that the next run need not check them again.
                // Statements run with the flag cleared (an interrupt during I/O closes an H2 file database's
                // channel); one that came while a copy was landed is handed back when the copier closes.
                boolean interrupted = Thread.interrupted();
                try {
                    unchecked = land(copier, unchecked);
                    if (unchecked != null) {
                        check(unchecked);
                    }
                    inQuarantine = quarantined();
                } finally {
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                }
                progress.quarantineAt(inQuarantine);
                progress.stopped();
            }
        }
        BackfillResult result = result(finished, inQuarantine);
        LOG.info("{}", result);
        return result;
    }

    /** Rows waiting in the quarantine for the new model, as the table says now. */
    private long quarantined() {
        return inNew(session -> QuarantineStore.count(session, config.migration.name(), Side.NEW));
    }

    private void requireTables() {
        String who = "backfill " + job;
        inNew(session -> {
            store.requireTables(session, who);
            return null;
        });
        QuarantineStore.prepare(newModel.transactions().sessionFactory(), false, who);
    }

    private void prepare() {
        if (config.createTables && !inNew(store::tablesExist)) {
            LOG.info("backfill {}: creating its tables {} and {}", job, LeaseTables.BACKFILL.checkpoint(),
                    LeaseTables.BACKFILL.lease());
            inNew(session -> {
                store.createTables(session);
                return null;
            }, 1);
        }
        if (config.createTables) {
            QuarantineStore.createIfMissing(newModel.transactions().sessionFactory());
        }
        try {
            inNew(session -> {
                store.probeSkipLocked(session);
                return null;
            });
        } catch (RuntimeException unsupported) {
            LOG.info("backfill {}: this database does not take 'for update skip locked'; claims wait for each other's"
                    + " lease rows instead", job);
            store.skipLocked(false);
        }
        inNew(session -> {
            store.createCheckpoint(session);
            return null;
        }, 1);
    }

    private Claim claim() {
        return attempts.retrying("claiming a batch", () -> inNew(session -> {
            Checkpoint checkpoint = store.lockCheckpoint(session);
            if (checkpoint.finished()) {
                return new Finished(store.totals(session));
            }
            Optional<Lease> expired = store.lockExpired(session);
            if (expired.isPresent()) {
                return new Expired(store.takeOver(session, expired.get(), config.workerId, token()),
                        expired.get().owner());
            }
            K after = checkpoint.lastKey() == null ? null : keyType.decode(checkpoint.lastKey());
            List<V> page = oldModel.transactions().read(old -> oldModel.page(old, after, config.batchSize));
            if (!page.isEmpty()) {
                K last = checkOrder(page, after);
                return new Fresh<>(store.claim(session, checkpoint, keyType.encode(last), config.workerId, token()),
                        page);
            }
            if (store.anyOpen(session)) {
                return new Wait();
            }
            Totals totals = store.totals(session);
            store.finish(session, totals);
            return new Finished(totals);
        }));
    }

    /** A lease another worker (or this one, before a restart) left open: redo what is missing of it. */
    private @Nullable Copied<K, V> takeOver(Lease lease, String previousOwner, @Nullable Copied<K, V> unchecked) {
        LOG.info("backfill {}: {} batch {} (keys {}), {}", job,
                previousOwner.equals(config.workerId) ? "taking back its own unfinished"
                        : "taking over from worker " + previousOwner + ", whose lease expired,",
                lease.seq(), range(lease), LeaseStore.ACTIVE.equals(lease.status())
                        ? "which it copies again: its copy had not committed (or only rows copied one by one)"
                        : "which was copied and waits for its check");
        K start = lease.startKey() == null ? null : keyType.decode(lease.startKey());
        K end = keyType.decode(BatchCheck.endKey(lease));
        if (LeaseStore.ACTIVE.equals(lease.status())) {
            // Copy it again, as if freshly claimed. Its own copy committed nothing, unless a row error split it into
            // one transaction per row (RowByRow): then some rows are in, which insertAbsent skips and the check
            // must still see. So the check covers every key the new model holds in the range.
            List<V> values = BatchCheck.readRange(oldModel, start, end, config.batchSize);
            Copied<K, V> copied = copy(lease, values);
            pacer.consumed(values.size());
            if (copied != null) {
                copied = new Copied<>(lease, copied.rows(), held(start, end), copied.written());
            }
            return checkThen(unchecked, copied);
        }
        // Copied long ago (its lease had time to expire), so no need to wait before the check. Which keys the
        // dead worker inserted is not known: check every key the new model holds in the range.
        // What the dead worker read before inserting is not known either: the check compares the old model's values
        // with the new model's instead.
        Map<K, V> held = held(start, end);
        check(new Copied<>(lease, held.size(), held, 0));
        return unchecked;
    }

    /** What the new model holds in a range, by key. */
    private Map<K, V> held(@Nullable K start, K end) {
        Map<K, V> held = new LinkedHashMap<>();
        for (V value : BatchCheck.readRange(newModel, start, end, config.batchSize)) {
            held.put(newModel.keyOf(value), value);
        }
        return held;
    }

    /** Lands the copy in flight, if any: the batch before it is then due for its check, and it waits for its own. */
    private @Nullable Copied<K, V> land(Copier<Copy<K, V>> copier, @Nullable Copied<K, V> unchecked) {
        @Nullable Copy<K, V> landed = copier.land();
        return landed == null ? unchecked : checkThen(unchecked, account(landed));
    }

    private @Nullable Copied<K, V> checkThen(@Nullable Copied<K, V> previous, @Nullable Copied<K, V> next) {
        if (previous != null) {
            check(previous);
        }
        return next;
    }

    /** A copy done synchronously (a batch taken over), counted. */
    private @Nullable Copied<K, V> copy(Lease lease, List<V> values) {
        return account(copyRows(lease, values));
    }

    /**
     * What a copy did: the batch as copied (none when the lease was taken over meanwhile) and the rows the new model
     * rejected.
     */
    private record Copy<K, V>(Lease lease, int rows, @Nullable Copied<K, V> copied, List<Rejected> rejected) {}

    /**
     * Inserts the batch's rows the new model lacks and marks the lease copied, in one transaction; a conflict
     * retries the whole, which reads the new model again. When a row is what failed it, the rows are copied one by
     * one ({@link RowByRow}) and those the new model rejects are quarantined. Runs on the {@link Copier}'s thread for
     * a fresh batch, so it touches none of the run's counts: {@link #account} does, on the worker's thread.
     */
    private Copy<K, V> copyRows(Lease lease, List<V> values) {
        List<K> keys = new ArrayList<>(values.size());
        for (V value : values) {
            keys.add(oldModel.keyOf(value));
        }
        try {
            try {
                Copied<K, V> copied = attempts.retrying("copying batch " + lease.seq(), () -> inNew(session -> {
                    Set<K> held = keys.isEmpty() ? Set.of() : newModel.present(session, keys);
                    List<V> absent = new ArrayList<>();
                    Map<K, V> absentByKey = new LinkedHashMap<>();
                    for (int i = 0; i < values.size(); i++) {
                        if (!held.contains(keys.get(i))) {
                            absent.add(values.get(i));
                            absentByKey.put(keys.get(i), values.get(i));
                        }
                    }
                    int inserted = absent.isEmpty() ? 0 : newModel.insertAbsent(session, absent);
                    // Now, so that a unique violation fails here and retries, not in the lease update.
                    session.flush();
                    if (!store.markCopied(session, lease, values.size(), inserted)) {
                        throw new LeaseLost();
                    }
                    return new Copied<>(lease, values.size(), absentByKey, inserted);
                }));
                return new Copy<>(lease, values.size(), copied, List.of());
            } catch (LeaseLost lost) {
                throw lost;
            } catch (RuntimeException e) {
                if (!Quarantine.isRowError(e)) {
                    throw failed(lease, null, "copying it", e);
                }
                RowByRow.Outcome<K, V> outcome = rowByRow.copy(lease, values, keys, e);
                return new Copy<>(lease, values.size(), new Copied<>(lease, values.size(), outcome.inserted(),
                        outcome.inserted().size()), outcome.rejected());
            }
        } catch (LeaseLost lost) {
            return new Copy<>(lease, values.size(), null, List.of());
        }
    }

    /** Counts a copy in the run's totals and progress; the batch as copied, or none when its lease was lost. */
    private @Nullable Copied<K, V> account(Copy<K, V> copy) {
        Lease lease = copy.lease();
        Copied<K, V> copied = copy.copied();
        if (copied == null) {
            LOG.info("backfill {}: batch {} (keys {}) was taken over by another worker after its lease expired;"
                    + " leaving it to that worker", job, lease.seq(), range(lease));
            return null;
        }
        scanned += copy.rows();
        written += copied.written();
        batches++;
        progress.copied(copy.rows(), copied.written());
        rejections.rejected(lease.seq(), lease.startKey(), lease.endKey(), copy.rejected());
        return copied;
    }

    /** The page's last key, after making sure the page is in key order: the checkpoint relies on it. */
    private K checkOrder(List<V> page, @Nullable K after) {
        @Nullable K previous = after;
        for (V value : page) {
            K key = oldModel.keyOf(value);
            if (previous != null && key.compareTo(previous) <= 0) {
                throw BackfillException.outOfOrder(job, keyType.encode(previous), keyType.encode(key));
            }
            previous = key;
        }
        return Objects.requireNonNull(previous, "checkOrder is given a non-empty page");
    }

    private <R> R inNew(Function<Session, R> work) {
        return attempts.inNew(work);
    }

    private <R> R inNew(Function<Session, R> work, int retries) {
        return attempts.inNew(work, retries);
    }

    private BackfillException failed(Lease lease, @Nullable K key, String what, RuntimeException e) {
        return BackfillException.failed(job, lease.seq(), lease.startKey(), lease.endKey(),
                key == null ? null : keyType.encode(key), what, e);
    }

    private BackfillResult result(boolean finished, long inQuarantine) {
        return new BackfillResult(job, false, finished, scanned, written, removed, rejections.rejected(),
                rejections.released(), inQuarantine, batches, Duration.ofNanos(System.nanoTime() - startNanos));
    }

    private static String range(Lease lease) {
        return BackfillException.range(lease.startKey(), lease.endKey());
    }

    private static String token() {
        return UUID.randomUUID().toString();
    }

    /** The lease is no longer this worker's: its token changed. Rolls the transaction back. */
    static final class LeaseLost extends RuntimeException {
        LeaseLost() {
            super(null, null, false, false);
        }
    }
}

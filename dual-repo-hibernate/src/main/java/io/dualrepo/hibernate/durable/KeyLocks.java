package io.dualrepo.hibernate.durable;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Orders this process's dual writes to a key across two databases: a write holds its keys from before its primary's
 * half until its secondary's half and the check after it are done, so that two writes to a key reach both models in
 * the same order. Without it, one write could commit in OLD before another and in NEW after it; under read-through,
 * where NEW answers reads, readers saw NEW's order (a save after an acknowledged delete), and the sync from OLD that
 * followed turned it back (the save gone, with no write after it: found by {@code ConcurrentHistoriesTest}).
 *
 * <p>Striped, so that memory stays bounded: keys sharing a stripe wait for each other too, which costs time, not
 * correctness. Stripes are taken in ascending order, so writes naming several keys cannot deadlock each other. The
 * wait is bounded, at {@value #WAIT_MILLIS} ms: a dual write takes a few milliseconds on H2 and tens on PostgreSQL on a
 * busy machine (the concurrent check's runs, twelve calls each, took 6 and 45 to 130 ms), and a write held longer
 * (a slow NEW, a test's hold, standing for another instance) would otherwise stop every other write to the key; past
 * the bound a write goes on unordered, as it did before, and the check after it and the repair bring the models in
 * line.
 *
 * <p>Writes in other processes are not ordered by this, but by {@link EarlierWrites}, through the pending rows in the
 * primary's database: a poll there costs more than a lock here, so it is the fleet's fallback, not the first means.
 */
final class KeyLocks {

    private static final Logger log = LoggerFactory.getLogger(KeyLocks.class);
    static final int STRIPES = 256;
    static final long WAIT_MILLIS = 250;

    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
    private final OrderWaits expired;

    KeyLocks(OrderWaits expired) {
        this.expired = expired;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** Holds {@code keys} of {@code repository} until the returned handle is closed. */
    Held lock(String repository, Collection<String> keys) {
        TreeSet<Integer> wanted = new TreeSet<>();
        for (String key : keys) {
            wanted.add(Math.floorMod((repository + '\u0000' + key).hashCode(), STRIPES));
        }
        Deque<ReentrantLock> held = new ArrayDeque<>(wanted.size());
        for (int stripe : wanted) {
            ReentrantLock lock = stripes[stripe];
            boolean acquired;
            try {
                acquired = lock.tryLock(WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                acquired = false;
            }
            if (acquired) {
                held.push(lock);
            } else {
                log.debug("{}: a write waited {} ms for another write to the same key(s) and goes on unordered",
                        repository, WAIT_MILLIS);
                expired.expired(repository, OrderWaits.KEY_LOCK);
            }
        }
        return () -> {
            while (!held.isEmpty()) {
                held.pop().unlock();
            }
        };
    }

    /** Keys held by {@link #lock}; closing releases them. */
    @FunctionalInterface
    interface Held extends AutoCloseable {
        @Override
        void close();
    }
}

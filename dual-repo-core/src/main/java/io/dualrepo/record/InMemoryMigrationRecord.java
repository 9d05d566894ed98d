package io.dualrepo.record;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link MigrationRecord#inMemory()}: lost with the process, so one process is the whole fleet. */
final class InMemoryMigrationRecord implements MigrationRecord {

    // A record that outlives years of flag flapping in a test or a demo must not grow without bound.
    private static final int MAX_HISTORY = 10_000;

    private final Duration settleTime;
    // Read without the lock: while a flag offers a refused route, every call asks whether the state has changed.
    private final Map<String, MigrationState> states = new ConcurrentHashMap<>();
    private final Map<String, Deque<RecordEntry>> histories = new HashMap<>();

    InMemoryMigrationRecord(Duration settleTime) {
        Objects.requireNonNull(settleTime, "settleTime");
        if (settleTime.isNegative()) {
            throw new IllegalArgumentException("settleTime must not be negative, was " + settleTime);
        }
        this.settleTime = settleTime;
    }

    @Override
    public Optional<MigrationState> read(String repository) {
        return Optional.ofNullable(states.get(repository));
    }

    @Override
    public synchronized boolean compareAndSet(
            String repository, long expectedVersion, MigrationState next, RecordEntry entry) {
        MigrationState stored = states.get(repository);
        long version = stored == null ? 0 : stored.version();
        if (version != expectedVersion) {
            return false;
        }
        Deque<RecordEntry> history = histories.computeIfAbsent(repository, name -> new ArrayDeque<>());
        history.addFirst(entry);
        if (history.size() > MAX_HISTORY) {
            history.removeLast();
        }
        // Last, so that a reader who sees the new state finds its entry in the history.
        states.put(repository, next);
        return true;
    }

    @Override
    public synchronized List<RecordEntry> history(String repository, int limit) {
        List<RecordEntry> newestFirst = new ArrayList<>();
        for (RecordEntry entry : histories.getOrDefault(repository, new ArrayDeque<>())) {
            if (newestFirst.size() >= limit) {
                break;
            }
            newestFirst.add(entry);
        }
        return newestFirst;
    }

    @Override
    public Duration settleTime() {
        return settleTime;
    }

    @Override
    public String toString() {
        return "in-memory migration record";
    }
}

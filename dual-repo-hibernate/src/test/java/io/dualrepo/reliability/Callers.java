package io.dualrepo.reliability;

import io.dualrepo.Side;
import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.model.IncidentRepository;
import io.dualrepo.hibernate.model.StatusIds;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * Concurrent callers of the dual repository, each the only writer of its own keys, so that its record of what it
 * was told is exact: after an acknowledged write the key must hold that write; after a write that failed it may
 * hold the previous value or the attempted one (a commit whose answer was lost). Reads of the caller's own keys are
 * checked against that record too.
 */
final class Callers {

    private final String prefix;
    private final IncidentRepository repository;
    private final int callers;
    private final int keysPerCaller;
    private final AtomicBoolean running = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Latencies> reads = new ArrayList<>();
    private final List<Latencies> writes = new ArrayList<>();
    /** Per key, every value it may hold now: the last acknowledged one, plus any attempted since. */
    private final Map<String, Set<Optional<Incident>>> acceptable = new ConcurrentHashMap<>();
    final AtomicLong calls = new AtomicLong();
    final AtomicLong acknowledgedWrites = new AtomicLong();
    final AtomicLong failedCalls = new AtomicLong();
    final AtomicLong failedWrites = new AtomicLong();
    final AtomicLong staleReads = new AtomicLong();
    final List<Throwable> failureSample = new java.util.concurrent.CopyOnWriteArrayList<>();
    /**
     * Whether a failed write is known not to have happened (the fault refuses it before it starts), so that the
     * record can forget the attempt and the final check proves it reached neither model.
     */
    volatile boolean failuresAreClean;
    /** Called after each write with its key and whether it was acknowledged, from the caller's thread. */
    volatile BiConsumer<String, Boolean> afterWrite = (key, acknowledged) -> {};

    Callers(IncidentRepository repository, int callers, int keysPerCaller) {
        this(repository, callers, keysPerCaller, "c");
    }

    /** Callers whose keys start with {@code prefix}, apart from those of other callers of the same models. */
    Callers(IncidentRepository repository, int callers, int keysPerCaller, String prefix) {
        this.prefix = prefix;
        this.repository = repository;
        this.callers = callers;
        this.keysPerCaller = keysPerCaller;
        for (int c = 0; c < callers; c++) {
            for (int k = 0; k < keysPerCaller; k++) {
                acceptable.put(key(prefix, c, k), new HashSet<>(Set.of(Optional.empty())));
            }
        }
    }

    static String key(String prefix, int caller, int k) {
        return String.format(java.util.Locale.ROOT, "%s%02d-%03d", prefix, caller, k);
    }

    /** The key's value before the callers start, as a row already in the models. */
    void assume(String key, Incident incident) {
        acceptable.put(key, new HashSet<>(Set.of(Optional.of(incident))));
    }

    Set<String> keys() {
        return acceptable.keySet();
    }

    void start() {
        running.set(true);
        for (int c = 0; c < callers; c++) {
            int caller = c;
            Latencies readTimes = new Latencies();
            Latencies writeTimes = new Latencies();
            reads.add(readTimes);
            writes.add(writeTimes);
            Thread thread = new Thread(() -> run(caller, readTimes, writeTimes), "caller-" + c);
            threads.add(thread);
            thread.start();
        }
    }

    void stop() throws InterruptedException {
        running.set(false);
        for (Thread thread : threads) {
            thread.join(60_000);
            if (thread.isAlive()) {
                throw new AssertionError(thread.getName() + " still running a minute after it was told to stop");
            }
        }
    }

    private void run(int caller, Latencies readTimes, Latencies writeTimes) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int version = 0;
        while (running.get()) {
            String key = key(prefix, caller, random.nextInt(keysPerCaller));
            int dice = random.nextInt(100);
            long start = System.nanoTime();
            calls.incrementAndGet();
            if (dice < 60) {
                try {
                    Optional<Incident> found = repository.findById(key);
                    readTimes.add(System.nanoTime() - start);
                    if (!acceptable.get(key).contains(found)) {
                        staleReads.incrementAndGet();
                    }
                } catch (RuntimeException e) {
                    readTimes.add(System.nanoTime() - start);
                    failed(e);
                }
                continue;
            }
            Set<Optional<Incident>> states = acceptable.get(key);
            Optional<Incident> before = states.size() == 1 ? states.iterator().next() : null;
            String status = StatusIds.DEFAULTS.get(random.nextInt(StatusIds.DEFAULTS.size()));
            // A partial update (issue 12, case 9), only where the record knows the value it changes: the result is
            // that value with the new status, or still nothing.
            boolean partial = dice >= 84 && dice < 92 && before != null;
            Optional<Incident> attempt;
            if (partial) {
                attempt = before.map(known -> new Incident(known.id(), known.organisationId(), known.title(), status));
            } else {
                attempt = dice < 92 ? Optional.of(new Incident(key, Stores.ORGANISATIONS.get(caller
                        % Stores.ORGANISATIONS.size()), "incident " + key + " v" + (++version), status))
                        : Optional.empty();
            }
            // Before the call: from here on the key may hold the attempt, whatever the answer.
            states.add(attempt);
            boolean acknowledged;
            try {
                if (partial) {
                    repository.updateStatus(key, status);
                } else if (attempt.isPresent()) {
                    repository.save(attempt.get());
                } else {
                    repository.deleteById(key);
                }
                acknowledged = true;
                writeTimes.add(System.nanoTime() - start);
                acknowledgedWrites.incrementAndGet();
                states.clear();
                states.add(attempt);
            } catch (RuntimeException e) {
                acknowledged = false;
                writeTimes.add(System.nanoTime() - start);
                failedWrites.incrementAndGet();
                if (failuresAreClean && before != null) {
                    states.remove(attempt);
                    states.add(before);
                }
                failed(e);
            }
            afterWrite.accept(key, acknowledged);
        }
    }

    private void failed(RuntimeException e) {
        failedCalls.incrementAndGet();
        if (failureSample.size() < 5) {
            failureSample.add(e);
        }
    }

    /** Keys whose value in that model is none of those the callers' record allows: acknowledged writes lost. */
    List<String> lost(Stores stores, Side side) {
        List<String> lost = new ArrayList<>();
        for (Map.Entry<String, Set<Optional<Incident>>> entry : acceptable.entrySet()) {
            if (!entry.getValue().contains(stores.find(side, entry.getKey()))) {
                lost.add(entry.getKey() + " (" + side + " holds " + stores.find(side, entry.getKey())
                        + "; acknowledged, or attempted since: " + entry.getValue() + ")");
            }
        }
        return lost;
    }

    /** Whether the key's last write was acknowledged, with nothing attempted since. */
    boolean settled(String key) {
        return acceptable.get(key).size() == 1;
    }

    Set<Optional<Incident>> acceptable(String key) {
        return acceptable.get(key);
    }

    Latencies readLatencies() {
        Latencies all = new Latencies();
        reads.forEach(all::addAll);
        return all;
    }

    Latencies writeLatencies() {
        Latencies all = new Latencies();
        writes.forEach(all::addAll);
        return all;
    }
}

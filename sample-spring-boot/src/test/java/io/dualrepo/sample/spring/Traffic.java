package io.dualrepo.sample.spring;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Writers that keep creating and updating incidents through the application's REST API, each over incidents of
 * its own, and read back what they wrote. The ledger holds every acknowledged write's latest value; a read that
 * does not return it is a lost write, kept in {@link #problems()}. {@link #paused} stops the traffic between two
 * requests, so that a check sees no write in flight.
 */
final class Traffic implements AutoCloseable {

    private static final List<String> STATUSES = List.of("investigating", "fixing", "monitoring", "closed");

    private final Api api;
    private final List<String> organisations;
    private final Map<String, Incident> ledger = new ConcurrentHashMap<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong reads = new AtomicLong();
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean running = true;

    Traffic(Api api, List<String> organisations, int threads, List<Incident> acknowledged) {
        this.api = api;
        this.organisations = organisations;
        acknowledged.forEach(incident -> ledger.put(incident.id(), incident));
        for (int i = 0; i < threads; i++) {
            Thread writer = new Thread(this::write, "writer-" + i);
            writers.add(writer);
            writer.start();
        }
    }

    private void write() {
        List<Incident> own = new ArrayList<>();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int n = 0;
        while (running) {
            gate.readLock().lock();
            try {
                n++;
                String status = STATUSES.get(random.nextInt(STATUSES.size()));
                if (own.isEmpty() || random.nextInt(3) == 0) {
                    String organisation = organisations.get(random.nextInt(organisations.size()));
                    Incident created = new Incident(UUID.randomUUID().toString(), organisation,
                            Thread.currentThread().getName() + " incident " + n, status);
                    if (put(created)) {
                        own.add(created);
                    }
                } else {
                    int index = random.nextInt(own.size());
                    Incident old = own.get(index);
                    Incident updated = new Incident(old.id(), old.organisationId(), old.title() + " +", status);
                    if (put(updated)) {
                        own.set(index, updated);
                    }
                }
                if (own.isEmpty()) {
                    continue;
                }
                // Read back one of its own: every incident this thread wrote, with the value last acknowledged.
                Incident expected = own.get(random.nextInt(own.size()));
                Optional<Incident> read = api.incident(expected.id());
                reads.incrementAndGet();
                if (!read.equals(Optional.of(expected))) {
                    problems.add("read " + expected.id() + ": expected " + expected + ", got " + read);
                }
            } catch (Exception e) {
                problems.add(Thread.currentThread().getName() + ": " + e);
            } finally {
                gate.readLock().unlock();
            }
        }
    }

    private boolean put(Incident incident) throws Exception {
        int status = api.put(incident);
        if (status != 200) {
            problems.add("PUT " + incident.id() + " answered " + status);
            return false;
        }
        ledger.put(incident.id(), incident);
        writes.incrementAndGet();
        return true;
    }

    /** Runs {@code check} with no request in flight; the traffic resumes after it, whatever it throws. */
    void paused(Runnable check) {
        gate.writeLock().lock();
        try {
            check.run();
        } finally {
            gate.writeLock().unlock();
        }
    }

    /** Waits until at least {@code more} further writes have been acknowledged. */
    void awaitWrites(long more) throws InterruptedException {
        long target = writes.get() + more;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (writes.get() < target) {
            if (System.nanoTime() > deadline || !problems.isEmpty()) {
                return;
            }
            Thread.sleep(20);
        }
    }

    /** Every acknowledged write's latest value, by incident id. */
    Map<String, Incident> ledger() {
        return Map.copyOf(ledger);
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    long writes() {
        return writes.get();
    }

    long reads() {
        return reads.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread writer : writers) {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        }
    }
}

package io.dualrepo.hibernate.durable;

import io.dualrepo.Side;
import io.dualrepo.routing.Route;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link StageWorld}'s second caller: one call on a thread of its own, stopped at a {@link HeldWrites} hold while the
 * sequence's other steps run, and what the reference model needs to judge it once it returns. A write leaves {@link
 * #value} at its key; a read (held at its read-through copy, which is a write into NEW) answers {@link #answer}.
 */
final class SecondCaller {

    /** Bounds every wait on the second caller: past it, the harness is stuck (a lock, a lost thread), not the code. */
    static final long BOUND_MILLIS = 30_000;

    final String key;
    /** Whether the call is a read; else a write. */
    final boolean read;
    /** What the write leaves at its key: a fresh title, or empty for a delete; for a read, the value at its start. */
    final Optional<String> value;
    /** What the read answered, once it returned; null for a write. */
    final AtomicReference<Optional<String>> answer;
    /** The route in force when the call started. */
    final Route route;
    /**
     * Whether another route took effect while the call was held: the call is then an instance that has not followed
     * the change yet, which the settle time must cover ({@link SettlingRecord}).
     */
    boolean onAnEarlierRoute;
    /** The route's primary when the call started: its commit order decides between concurrent writes. */
    final Side primary;
    /**
     * The values of the writes to the key acknowledged while this one was in flight, and this one's: once it returns,
     * whichever of them the primary committed last is the key's value. For a read: the values it may answer, those
     * acceptable at its start and those acknowledged while it was in flight.
     */
    final Set<Optional<String>> concurrent = new LinkedHashSet<>();
    private final HeldWrites.Hold hold;
    private final HeldWrites holding;
    private final CompletableFuture<Void> call;
    private boolean neverHeld;

    private SecondCaller(String key, AtomicReference<Optional<String>> answer, Optional<String> value, Route route,
            HeldWrites holding, Runnable write, ExecutorService thread) {
        this.key = key;
        this.read = answer != null;
        this.answer = answer;
        this.value = value;
        this.route = route;
        this.primary = StageWorld.writtenFirst(route);
        this.holding = holding;
        this.hold = holding.holdNextWrite();
        this.call = CompletableFuture.runAsync(write, thread);
        concurrent.add(value);
    }

    /**
     * Starts the call ({@code answer} receives a read's answer; null for a write) and waits until it reaches its
     * hold, or returns without reaching it (nothing to hold: the route writes one model only, or the read copied
     * nothing; {@link #neverHeld}).
     */
    static SecondCaller start(String key, AtomicReference<Optional<String>> answer, Optional<String> value,
            Route route, HeldWrites holding, Runnable write, ExecutorService thread) {
        SecondCaller caller = new SecondCaller(key, answer, value, route, holding, write, thread);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BOUND_MILLIS);
        try {
            while (!caller.hold.awaitEntered(5)) {
                if (caller.call.isDone()) {
                    caller.holding.disarm();
                    caller.neverHeld = true;
                    return caller;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("harness: the second caller's write neither reached its hold nor"
                            + " returned within " + BOUND_MILLIS + " ms");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return caller;
    }

    /** Lets the write go on and waits for its call: null when it returned, else what it threw. */
    Throwable release() {
        hold.release();
        return outcome(call);
    }

    /** Whether the call returned without reaching its hold: the route gave it no such point. */
    boolean neverHeld() {
        return neverHeld;
    }

    private static Throwable outcome(CompletableFuture<Void> call) {
        try {
            call.get(BOUND_MILLIS, TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new IllegalStateException("harness: the released write did not return within " + BOUND_MILLIS
                    + " ms (a lock held across steps?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package io.dualrepo.hibernate.durable;

import io.dualrepo.Side;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link StageWorld}'s second caller: one write on a thread of its own, stopped at a {@link HeldWrites} hold while the
 * sequence's other steps run, and what the reference model needs to judge it once it returns.
 */
final class SecondCaller {

    /** Bounds every wait on the second caller: past it, the harness is stuck (a lock, a lost thread), not the code. */
    static final long BOUND_MILLIS = 30_000;

    final String key;
    /** What the write leaves at its key: a fresh title, or empty for a delete. */
    final Optional<String> value;
    /** The route's primary when the call started: its commit order decides between concurrent writes. */
    final Side primary;
    /**
     * The values of the writes to the key acknowledged while this one was in flight, and this one's: once it returns,
     * whichever of them the primary committed last is the key's value.
     */
    final Set<Optional<String>> concurrent = new LinkedHashSet<>();
    private final HeldWrites.Hold hold;
    private final HeldWrites holding;
    private final CompletableFuture<Void> call;
    private boolean neverHeld;

    private SecondCaller(String key, Optional<String> value, Side primary, HeldWrites holding, Runnable write,
            ExecutorService thread) {
        this.key = key;
        this.value = value;
        this.primary = primary;
        this.holding = holding;
        this.hold = holding.holdNextWrite();
        this.call = CompletableFuture.runAsync(write, thread);
        concurrent.add(value);
    }

    /**
     * Starts the write and waits until it reaches its hold, or returns without reaching it (nothing to hold: the route
     * writes one model only, or {@link #neverHeld} with nothing held).
     */
    static SecondCaller start(String key, Optional<String> value, Side primary, HeldWrites holding, Runnable write,
            ExecutorService thread) {
        SecondCaller caller = new SecondCaller(key, value, primary, holding, write, thread);
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

package io.dualrepo.internal;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.jspecify.annotations.Nullable;

/**
 * An exact count that many threads add to without an atomic instruction: each platform thread adds to a cell of
 * its own with a plain store, and a reader sums the cells. An atomic add (a {@code LongAdder}, a Micrometer
 * {@code Counter}) costs 15 to 20 ns on a 2-core virtual machine, a third of the 50 ns that
 * benchmarks/RoutingBenchmark allows a routed call; a thread's own cell costs about 3 ns.
 *
 * <p>Cells of threads that have ended are folded into a total when the count is read and when new cells have
 * doubled the list, so a pool that replaces its threads does not grow it. Virtual threads, possibly one per
 * request, share one atomically updated cell instead.
 */
final class ThreadCounter {

    private static final VarHandle VALUE;
    private static final @Nullable MethodHandle IS_VIRTUAL = isVirtualMethod();
    private static final int FIRST_SWEEP = 64;

    // One counter per meter, whichever runtime registers it: two DualRepo instances on one registry (the global
    // one is the default) get the same meter back, and must count into what it reads.
    private static final Map<MeterRegistry, Map<Meter.Id, Registered>> REGISTERED = new WeakHashMap<>();

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(Cell.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ThreadLocal<Cell> local = ThreadLocal.withInitial(this::newCell);
    private final Cell shared = new Cell(null);
    private final List<Cell> cells = new ArrayList<>();
    private long ended;
    private int sweepAt = FIRST_SWEEP;

    /**
     * The counter behind the {@link FunctionCounter} {@code name} with {@code tags} on {@code registry}: a new one,
     * or the one already counting for the meter if the registry hands back one registered before.
     */
    static ThreadCounter register(MeterRegistry registry, String name, Iterable<Tag> tags,
            String description) {
        synchronized (REGISTERED) {
            ThreadCounter candidate = new ThreadCounter();
            FunctionCounter meter = FunctionCounter.builder(name, candidate, ThreadCounter::sum)
                    .description(description)
                    .tags(tags)
                    .register(registry);
            Map<Meter.Id, Registered> byId = REGISTERED.computeIfAbsent(registry, r -> new HashMap<>());
            Registered known = byId.get(meter.getId());
            if (known != null && known.meter.get() == meter) {
                return known.counter;
            }
            byId.put(meter.getId(), new Registered(new WeakReference<>(meter), candidate));
            return candidate;
        }
    }

    void increment() {
        Cell cell = local.get();
        if (cell.owner == null) {
            VALUE.getAndAdd(cell, 1L);
        } else {
            VALUE.setOpaque(cell, (long) VALUE.getOpaque(cell) + 1);
        }
    }

    synchronized double sum() {
        sweep();
        long total = ended + (long) VALUE.getVolatile(shared);
        for (Cell cell : cells) {
            total += (long) VALUE.getOpaque(cell);
        }
        return total;
    }

    /** Cells of threads not yet seen ended, for tests of the sweep. */
    synchronized int cells() {
        return cells.size();
    }

    private synchronized Cell newCell() {
        Thread thread = Thread.currentThread();
        if (isVirtual(thread)) {
            return shared;
        }
        if (cells.size() >= sweepAt) {
            sweep();
            sweepAt = Math.max(FIRST_SWEEP, cells.size() * 2);
        }
        Cell cell = new Cell(thread);
        cells.add(cell);
        return cell;
    }

    private void sweep() {
        for (Iterator<Cell> it = cells.iterator(); it.hasNext(); ) {
            Cell cell = it.next();
            // A thread seen ended has made its last add, and isAlive() makes that add visible here.
            if (cell.owner != null && !cell.owner.isAlive()) {
                ended += (long) VALUE.getVolatile(cell);
                it.remove();
            }
        }
    }

    private static boolean isVirtual(Thread thread) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(thread);
        } catch (Throwable e) {
            return false;
        }
    }

    private static @Nullable MethodHandle isVirtualMethod() {
        try {
            return MethodHandles.publicLookup()
                    .findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
        } catch (ReflectiveOperationException e) {
            return null; // before Java 21 there are no virtual threads
        }
    }

    private static final class Cell {
        // The thread that adds to it with plain stores, or null for the shared cell, added to atomically.
        final @Nullable Thread owner;
        long value;

        Cell(@Nullable Thread owner) {
            this.owner = owner;
        }
    }

    private record Registered(WeakReference<FunctionCounter> meter, ThreadCounter counter) {}
}

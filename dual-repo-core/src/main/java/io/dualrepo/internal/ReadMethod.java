package io.dualrepo.internal;

import io.dualrepo.ComparisonMode;
import io.dualrepo.Side;
import io.dualrepo.compare.SkipReason;
import io.dualrepo.generated.ModelCall;
import io.dualrepo.generated.ModelCopy;
import io.dualrepo.generated.ModelRemoval;
import io.dualrepo.routing.ReadSource;
import io.dualrepo.routing.Route;
import io.dualrepo.spi.WithheldMessage;
import io.dualrepo.write.DualWriteScope;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read of a decorated repository: answered by the route's read source, compared against the other model when
 * the route says so. The caller always gets the primary's result or exception, unchanged.
 */
public final class ReadMethod<T> {

    private static final Logger log = LoggerFactory.getLogger(ReadMethod.class);

    private final Decorated<T> decorated;
    private final MethodRuntime method;
    private final RouteGuard routes;
    private final CircuitBreaker circuit;
    private final ShadowReads shadowReads;
    private final Reporter reporter;
    private final WritesInFlight writesInFlight;
    private final DualWriteScope scope;

    ReadMethod(Decorated<T> decorated, MethodRuntime method) {
        this.decorated = decorated;
        this.method = method;
        this.routes = decorated.routes();
        this.circuit = decorated.runtime().circuitBreaker(decorated.repository());
        this.shadowReads = decorated.runtime().shadowReads();
        this.reporter = decorated.runtime().reporter();
        this.writesInFlight = decorated.runtime().writesInFlight(decorated.repository());
        this.scope = decorated.runtime().settings().dualWriteScope();
    }

    /** A read without migrate-on-read. */
    public <R> R call(@Nullable Object routingKey, ModelCall<T, R> call) {
        return call(routingKey, call, null);
    }

    /**
     * A read.
     *
     * @param routingKey the {@code @RoutingKey} argument, or null
     * @param copyToNew migrate on read under read-through, or null
     */
    public <R> R call(@Nullable Object routingKey, ModelCall<T, R> call, @Nullable ModelCopy<T, R> copyToNew) {
        return call(routingKey, call, copyToNew, null);
    }

    /**
     * A read that migrates on read and can take its copy back.
     *
     * @param removeFromNew removes what the read asks for from the new model when a write ran during the copy, or
     *     null
     */
    public <R> R call(@Nullable Object routingKey, ModelCall<T, R> call, @Nullable ModelCopy<T, R> copyToNew,
            @Nullable ModelRemoval<T> removeFromNew) {
        Route route = routes.current(routingKey);
        if (route.read() == ReadSource.NEW_THEN_OLD) {
            return readThrough(route, call, copyToNew, removeFromNew);
        }
        return readAndCompare(route, route.primary(), call);
    }

    private <R> R readAndCompare(Route route, Side primary, ModelCall<T, R> call) {
        // With a budget, every read of a compared route is timed (two clock reads, ~50 ns, next to a comparison's
        // cost): a p99 from the meters' one read in 16 would take a window sixteen times as long to learn.
        ComparisonBudget budget = route.compare().isOn() ? budget() : null;
        long start = MethodMeters.start();
        long budgetStart = budget == null ? 0 : start != MethodMeters.NOT_TIMED ? start : System.nanoTime();
        boolean comparingAtStart = budget != null && shadowReads.comparing();
        R result;
        try {
            result = call.call(decorated.model(primary));
        } catch (Throwable primaryError) {
            method.meters().call(primary, false, start);
            compareIfSampled(route, primary, call, null, primaryError);
            throw Sneaky.rethrow(primaryError);
        }
        method.meters().call(primary, true, start);
        if (budget != null) {
            budget.record(System.nanoTime() - budgetStart, comparingAtStart || shadowReads.comparing());
        }
        compareIfSampled(route, primary, call, result, null);
        return result;
    }

    /** The budget this method's comparisons run under: none when they run on the caller's thread. */
    private @Nullable ComparisonBudget budget() {
        return method.comparisonMode() == ComparisonMode.ASYNC ? shadowReads.budget() : null;
    }

    private <R> void compareIfSampled(Route route, Side primary, ModelCall<T, R> call, @Nullable R result,
            @Nullable Throwable error) {
        double ratio = route.compare().sampleRatio();
        if (ratio <= 0) {
            return;
        }
        if (ratio < 1 && ThreadLocalRandom.current().nextDouble() >= ratio) {
            method.meters().comparison(io.dualrepo.compare.Outcome.SKIPPED, SkipReason.NOT_SAMPLED);
            return;
        }
        ComparisonBudget budget = budget();
        if (budget != null && !budget.admits()) {
            method.meters().comparison(io.dualrepo.compare.Outcome.SKIPPED, SkipReason.BUDGET);
            return;
        }
        shadowReads.compare(method, circuit, primary, decorated.model(primary), decorated.model(primary.other()),
                call, result, error);
    }

    private <R> R readThrough(Route route, ModelCall<T, R> call, @Nullable ModelCopy<T, R> copyToNew,
            @Nullable ModelRemoval<T> removeFromNew) {
        if (method.stitching() != null) {
            return stitched(route, call, method.stitching());
        }
        if (!method.readThroughFallsBack()) {
            // A multi-row answer from a partly migrated new model would be silently incomplete.
            return method.timed(Side.OLD, decorated.model(Side.OLD), call);
        }
        R fromNew = method.timed(Side.NEW, decorated.model(Side.NEW), call);
        if (!Emptiness.isEmpty(fromNew)) {
            compareIfSampled(route, Side.NEW, call, fromNew, null);
            return fromNew;
        }
        method.meters().fallback();
        long mark = WritesInFlight.BUSY;
        if (copyToNew != null) {
            writesInFlight.watch();
            mark = writesInFlight.mark();
        }
        R fromOld = method.timed(Side.OLD, decorated.model(Side.OLD), call);
        // NEW and OLD were read at different times. A copy may have reached NEW in between, and a write that began
        // since may have reached OLD and not yet NEW: this read would answer OLD's newer value, and the next, from
        // NEW, the copy's older one while the write is still in flight (found by ConcurrentHistoriesTest). So NEW is
        // read again, and what it holds now is the answer.
        R fromNewAgain = method.timed(Side.NEW, decorated.model(Side.NEW), call);
        if (!Emptiness.isEmpty(fromNewAgain)) {
            return fromNewAgain;
        }
        if (route.compare().isOn()) {
            reporter.comparison(method, Judge.skipped(method, Side.NEW, SkipReason.READ_THROUGH_FALLBACK));
        }
        if (copyToNew != null && !Emptiness.isEmpty(fromOld) && !copiedByScope(fromOld)) {
            copy(copyToNew, removeFromNew, fromOld, mark);
        }
        return fromOld;
    }

    /**
     * OLD first: a migration copies a row into NEW, then marks it migrated in OLD, so a row OLD's answer marks was in
     * NEW before NEW was read. Nothing is written, so the writes running meanwhile need no watching; what a stitched
     * answer promises about them is in {@link io.dualrepo.ReadThrough}'s class comment.
     */
    @SuppressWarnings("unchecked")
    private <R> R stitched(Route route, ModelCall<T, R> call, Stitching stitching) {
        R fromOld = method.timed(Side.OLD, decorated.model(Side.OLD), call);
        R fromNew = method.timed(Side.NEW, decorated.model(Side.NEW), call);
        if (route.compare().isOn()) {
            reporter.comparison(method, Judge.skipped(method, Side.NEW, SkipReason.READ_THROUGH_STITCHED));
        }
        return (R) stitching.stitch(fromOld, fromNew);
    }

    /**
     * Hands the copy to the dual-write scope where it can order it with every instance's writes ({@link
     * DualWriteScope#copyToNew}); then this process's writes need not be held out, and nothing is taken back.
     */
    private boolean copiedByScope(Object fromOld) {
        boolean copied;
        try {
            copied = scope.copyToNew(method.repository(), Emptiness.values(fromOld));
        } catch (Exception e) {
            // The caller already has its answer; the row stays in OLD and a later read or the backfill moves it.
            method.meters().copy(false);
            if (method.writeLogBudget().tryTake(System.nanoTime()) >= 0) {
                log.warn("{}.{}: migrate-on-read copy into NEW failed", method.repository(), method.name(),
                        WithheldMessage.of(e));
            }
            return true;
        }
        if (copied) {
            method.meters().copy(true);
        }
        return copied;
    }

    /**
     * Copies only while no write of the repository runs: a write running since OLD was read may already have
     * removed or replaced the row in NEW, and the copy would undo it. Writes that start during the copy wait for it
     * ({@link WritesInFlight#copying}); one that waited too long and went on is seen after the copy, and the copy is
     * taken back: a read-through key missing from NEW is always answered right, by OLD, which every write reaches
     * first.
     */
    private <R> void copy(ModelCopy<T, R> copyToNew, @Nullable ModelRemoval<T> removeFromNew, R fromOld, long mark) {
        if (!writesInFlight.copying(mark)) {
            // The row migrates on a later read, or by the backfill.
            method.meters().copySkipped();
            return;
        }
        Throwable failure = null;
        boolean overlapped;
        try {
            try {
                copyToNew.copy(decorated.model(Side.NEW), fromOld);
            } catch (Throwable e) {
                failure = e;
            }
            // Writes wait for the copy, but only so long: one that went on is taken back, still holding the rest out.
            overlapped = !writesInFlight.quietSince(mark);
            if (overlapped) {
                // Also after a failed copy: a copy of many rows may have written some.
                takeBack(removeFromNew);
            }
        } finally {
            writesInFlight.copied();
        }
        if (overlapped) {
            return;
        }
        if (failure == null) {
            method.meters().copy(true);
        } else {
            Throwable e = failure;
            // The caller already has its answer; the row stays in OLD and a later read or the backfill moves it.
            method.meters().copy(false);
            if (method.writeLogBudget().tryTake(System.nanoTime()) >= 0) {
                log.warn("{}.{}: migrate-on-read copy into NEW failed", method.repository(), method.name(),
                        WithheldMessage.of(e));
            }
        }
    }

    private void takeBack(@Nullable ModelRemoval<T> removeFromNew) {
        Throwable failure = null;
        if (removeFromNew != null) {
            try {
                removeFromNew.remove(decorated.model(Side.NEW));
                method.meters().copyOverlapped(true);
                return;
            } catch (Throwable e) {
                failure = e;
            }
        }
        // NEW may now hold a value older than an acknowledged write, and serve it: the record says so, and its rules
        // keep reads off NEW on a new route until NEW is re-synced.
        method.meters().copyOverlapped(false);
        routes.missedWrite(Side.NEW);
        if (method.writeLogBudget().tryTake(System.nanoTime()) >= 0) {
            if (failure == null) {
                log.error("{}.{}: a write ran while a migrate-on-read copy went into NEW, and the read declares no"
                        + " @ReadThrough(removeWith) to take the copy back: NEW may hold a value older than that write;"
                        + " recorded as a write NEW missed", method.repository(), method.name());
            } else {
                log.error("{}.{}: a write ran while a migrate-on-read copy went into NEW, and taking the copy back"
                        + " failed: NEW may hold a value older than that write; recorded as a write NEW missed",
                        method.repository(), method.name(), WithheldMessage.of(failure));
            }
        }
    }
}

package io.dualrepo.internal;

import io.dualrepo.Side;
import io.dualrepo.compare.SkipReason;
import io.dualrepo.routing.ReadSource;
import io.dualrepo.routing.Route;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.concurrent.ThreadLocalRandom;
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

    ReadMethod(Decorated<T> decorated, MethodRuntime method) {
        this.decorated = decorated;
        this.method = method;
        this.routes = decorated.routes();
        this.circuit = decorated.runtime().circuitBreaker(decorated.repository());
        this.shadowReads = decorated.runtime().shadowReads();
        this.reporter = decorated.runtime().reporter();
    }

    /** A read without migrate-on-read. */
    public <R> R call(Object routingKey, ModelCall<T, R> call) {
        return call(routingKey, call, null);
    }

    /**
     * A read.
     *
     * @param routingKey the {@code @RoutingKey} argument, or null
     * @param copyToNew migrate on read under read-through, or null
     */
    public <R> R call(Object routingKey, ModelCall<T, R> call, ModelCopy<T, R> copyToNew) {
        Route route = routes.current(routingKey);
        if (route.read() == ReadSource.NEW_THEN_OLD) {
            return readThrough(route, call, copyToNew);
        }
        return readAndCompare(route, route.primary(), call);
    }

    private <R> R readAndCompare(Route route, Side primary, ModelCall<T, R> call) {
        long start = MethodMeters.start();
        R result;
        try {
            result = call.call(decorated.model(primary));
        } catch (Throwable primaryError) {
            method.meters().call(primary, false, start);
            compareIfSampled(route, primary, call, null, primaryError);
            throw Sneaky.rethrow(primaryError);
        }
        method.meters().call(primary, true, start);
        compareIfSampled(route, primary, call, result, null);
        return result;
    }

    private <R> void compareIfSampled(Route route, Side primary, ModelCall<T, R> call, R result, Throwable error) {
        double ratio = route.compare().sampleRatio();
        if (ratio <= 0) {
            return;
        }
        if (ratio < 1 && ThreadLocalRandom.current().nextDouble() >= ratio) {
            method.meters().comparison(io.dualrepo.compare.Outcome.SKIPPED, SkipReason.NOT_SAMPLED);
            return;
        }
        shadowReads.compare(method, circuit, primary, decorated.model(primary), decorated.model(primary.other()),
                call, result, error);
    }

    private <R> R readThrough(Route route, ModelCall<T, R> call, ModelCopy<T, R> copyToNew) {
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
        R fromOld = method.timed(Side.OLD, decorated.model(Side.OLD), call);
        if (route.compare().isOn()) {
            reporter.comparison(method, Judge.skipped(method, Side.NEW, SkipReason.READ_THROUGH_FALLBACK));
        }
        if (copyToNew != null && !Emptiness.isEmpty(fromOld)) {
            copy(copyToNew, fromOld);
        }
        return fromOld;
    }

    private <R> void copy(ModelCopy<T, R> copyToNew, R fromOld) {
        try {
            copyToNew.copy(decorated.model(Side.NEW), fromOld);
            method.meters().copy(true);
        } catch (Throwable e) {
            // The caller already has its answer; the row stays in OLD and a later read or the backfill moves it.
            method.meters().copy(false);
            if (method.writeLogBudget().tryTake(System.nanoTime()) >= 0) {
                log.warn("{}.{}: migrate-on-read copy into NEW failed", method.repository(), method.name(),
                        WithheldMessage.of(e));
            }
        }
    }
}

package io.dualrepo.internal;

import io.dualrepo.Side;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.WriteTargets;
import io.dualrepo.write.DualWriteScope;
import io.dualrepo.write.FailedWrite;
import io.dualrepo.write.SecondaryWriteFailurePolicy;
import java.time.Instant;

/**
 * A write of a decorated repository: to the route's read source first, then, when the route writes both, to the
 * other model. A primary failure never reaches the secondary; a secondary failure follows the configured policy.
 */
public final class WriteMethod<T> {

    private final Decorated<T> decorated;
    private final MethodRuntime method;
    private final RouteGuard routes;
    private final Reporter reporter;
    private final DualWriteScope scope;
    private final SecondaryWriteFailurePolicy policy;

    WriteMethod(Decorated<T> decorated, MethodRuntime method) {
        this.decorated = decorated;
        this.method = method;
        this.routes = decorated.routes();
        this.reporter = decorated.runtime().reporter();
        this.scope = decorated.runtime().settings().dualWriteScope();
        this.policy = decorated.runtime().settings().secondaryWriteFailurePolicy();
    }

    /**
     * A write.
     *
     * @param routingKey the {@code @RoutingKey} argument, or null
     * @param arguments the call's arguments, handed to the failed-write sink if the secondary fails
     */
    public <R> R call(Object routingKey, Object[] arguments, ModelCall<T, R> call) {
        Route route = routes.current(routingKey);
        Side primary = route.primary();
        if (route.write() != WriteTargets.BOTH) {
            return method.timed(primary, decorated.model(primary), call);
        }
        try {
            return scope.run(decorated.repository(), () -> {
                R result = method.timed(primary, decorated.model(primary), call);
                writeSecondary(primary.other(), arguments, call);
                return result;
            });
        } catch (Throwable e) {
            throw Sneaky.rethrow(e);
        }
    }

    private <R> void writeSecondary(Side secondary, Object[] arguments, ModelCall<T, R> call) throws Throwable {
        long start = System.nanoTime();
        try {
            call.call(decorated.model(secondary));
            method.meters().call(secondary, true, start);
        } catch (Throwable error) {
            method.meters().call(secondary, false, start);
            if (policy == SecondaryWriteFailurePolicy.FAIL_CALL && scope.atomic()) {
                // The scope rolls both writes back: nothing reached either model, nothing to repair.
                method.meters().secondaryWriteFailed(secondary);
                throw error;
            }
            reporter.secondaryWriteFailed(method, FailedWrite.of(decorated.repository(), method.name(), secondary,
                    arguments, error, Instant.now()));
            if (policy == SecondaryWriteFailurePolicy.FAIL_CALL) {
                throw error;
            }
        }
    }
}

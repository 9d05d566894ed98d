package io.dualrepo.internal;

import io.dualrepo.Side;
import io.dualrepo.generated.ModelCall;
import io.dualrepo.routing.ReadSource;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.WriteTargets;
import io.dualrepo.write.DualWrite;
import io.dualrepo.write.DualWriteScope;
import io.dualrepo.write.FailedWrite;
import io.dualrepo.write.SecondaryWriteFailurePolicy;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A write of a decorated repository: to the route's read source first, then, when the route writes both, to the
 * other model. A primary failure never reaches the secondary; a secondary failure follows the configured policy.
 *
 * <p>Under read-through OLD is written first: it is the complete model there, and NEW holds only what was copied or
 * written since, so OLD must never fall behind NEW (a read-through copy taken back leaves the key to OLD, and a repair
 * copies OLD into NEW: found by the model-based test, where NEW first lost a write both ways). NEW's failure then
 * fails the call whatever the policy, since NEW answers reads first: until the repair reaches it, a read would answer
 * with what NEW held before the write. The caller must not take such a write as done.
 */
public final class WriteMethod<T> {

    private final Decorated<T> decorated;
    private final MethodRuntime method;
    private final RouteGuard routes;
    private final Reporter reporter;
    private final DualWriteScope scope;
    private final boolean failOnSecondaryFailure;
    private final WritesInFlight writesInFlight;

    WriteMethod(Decorated<T> decorated, MethodRuntime method) {
        this.decorated = decorated;
        this.method = method;
        this.routes = decorated.routes();
        this.reporter = decorated.runtime().reporter();
        this.scope = decorated.runtime().settings().dualWriteScope();
        this.writesInFlight = decorated.runtime().writesInFlight(decorated.repository());
        this.failOnSecondaryFailure = scope.atomic()
                || method.config().secondaryWriteFailurePolicy() == SecondaryWriteFailurePolicy.FAIL_CALL;
    }

    /**
     * A write.
     *
     * @param routingKey the {@code @RoutingKey} argument, or null
     * @param arguments the call's arguments, handed to the scope and to the failed-write sink
     */
    public <R> R call(@Nullable Object routingKey, Object[] arguments, ModelCall<T, R> call) {
        Route route = routes.current(routingKey);
        if (route.read() != ReadSource.NEW_THEN_OLD && !writesInFlight.watched()) {
            return write(route, arguments, call);
        }
        // A read-through copy running meanwhile must see this write, from before its first half to after its last.
        writesInFlight.watch();
        boolean holdingCopiesOut = writesInFlight.started();
        try {
            return write(route, arguments, call);
        } finally {
            writesInFlight.finished(holdingCopiesOut);
        }
    }

    private <R> R write(Route route, Object[] arguments, ModelCall<T, R> call) {
        boolean readThrough = route.read() == ReadSource.NEW_THEN_OLD;
        Side primary = readThrough ? Side.OLD : route.primary();
        if (route.write() != WriteTargets.BOTH) {
            return method.timed(primary, decorated.model(primary), call);
        }
        try {
            return scope.run(new Pair<>(primary, readThrough, arguments, call));
        } catch (Throwable e) {
            throw Sneaky.rethrow(e);
        }
    }

    /** The two halves of one call, handed to the scope. */
    private final class Pair<R> implements DualWrite<R> {

        private final Side primary;
        private final boolean secondaryServesReads;
        private final boolean secondaryFailureFailsCall;
        private final Object[] arguments;
        private final ModelCall<T, R> call;

        Pair(Side primary, boolean secondaryServesReads, Object[] arguments, ModelCall<T, R> call) {
            this.primary = primary;
            this.secondaryServesReads = secondaryServesReads;
            this.secondaryFailureFailsCall = failOnSecondaryFailure || secondaryServesReads;
            this.arguments = arguments;
            this.call = call;
        }

        @Override
        public String repository() {
            return decorated.repository();
        }

        @Override
        public String method() {
            return method.name();
        }

        @Override
        public Side primary() {
            return primary;
        }

        @Override
        public List<Object> arguments() {
            return Collections.unmodifiableList(Arrays.asList(arguments));
        }

        @Override
        public R writePrimary() {
            return method.timed(primary, decorated.model(primary), call);
        }

        @Override
        public @Nullable Throwable writeSecondaryHoldingFailure() {
            return writeSecondaryHoldingFailure(() -> { });
        }

        @Override
        public @Nullable Throwable writeSecondaryHoldingFailure(Runnable completion) {
            Side secondary = primary.other();
            long start = MethodMeters.start();
            try {
                call.call(decorated.model(secondary));
                completion.run();
                method.meters().call(secondary, true, start);
                return null;
            } catch (Throwable error) {
                method.meters().call(secondary, false, start);
                method.meters().secondaryWriteFailed(secondary);
                return error;
            }
        }

        @Override
        public void recordSecondaryFailure(Throwable error) {
            reporter.failedWriteStands(method, FailedWrite.of(decorated.repository(), method.name(),
                    primary.other(), arguments, error, Instant.now()));
            if (!scope.repairsFailedWrites()) {
                routes.missedWrite(primary.other());
            }
        }

        @Override
        public boolean secondaryServesReads() {
            return secondaryServesReads;
        }

        @Override
        public boolean secondaryFailureFailsCall() {
            return secondaryFailureFailsCall;
        }

        @Override
        public boolean writeSecondary() throws Throwable {
            Side secondary = primary.other();
            long start = MethodMeters.start();
            try {
                call.call(decorated.model(secondary));
                method.meters().call(secondary, true, start);
                return true;
            } catch (Throwable error) {
                method.meters().call(secondary, false, start);
                if (scope.atomic()) {
                    // The scope rolls both writes back: nothing reached either model, nothing to repair.
                    method.meters().secondaryWriteFailed(secondary);
                    throw error;
                }
                reporter.secondaryWriteFailed(method, FailedWrite.of(decorated.repository(), method.name(),
                        secondary, arguments, error, Instant.now()));
                if (!scope.repairsFailedWrites()) {
                    routes.missedWrite(secondary);
                }
                if (secondaryFailureFailsCall) {
                    throw error;
                }
                return false;
            }
        }
    }
}

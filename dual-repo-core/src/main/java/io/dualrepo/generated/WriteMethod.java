package io.dualrepo.generated;

import org.jspecify.annotations.Nullable;

/**
 * A write of a decorated repository: to the route's read source first, then, when the route writes both, to the
 * other model. A primary failure never reaches the secondary; a secondary failure follows the configured policy.
 *
 * @param <T> the decorated interface
 */
public final class WriteMethod<T> {

    private final io.dualrepo.internal.WriteMethod<T> method;

    WriteMethod(io.dualrepo.internal.WriteMethod<T> method) {
        this.method = method;
    }

    /**
     * A write.
     *
     * @param routingKey the {@code @RoutingKey} argument, or null
     * @param arguments the call's arguments, handed to the scope and to the failed-write sink
     */
    public <R> R call(@Nullable Object routingKey, Object[] arguments, ModelCall<T, R> call) {
        return method.call(routingKey, arguments, call);
    }
}

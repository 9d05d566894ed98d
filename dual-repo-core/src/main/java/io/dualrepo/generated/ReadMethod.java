package io.dualrepo.generated;

import org.jspecify.annotations.Nullable;

/**
 * A read of a decorated repository: answered by the route's read source, compared against the other model when
 * the route says so. The caller always gets the primary's result or exception, unchanged.
 *
 * @param <T> the decorated interface
 */
public final class ReadMethod<T> {

    private final io.dualrepo.internal.ReadMethod<T> method;

    ReadMethod(io.dualrepo.internal.ReadMethod<T> method) {
        this.method = method;
    }

    /**
     * A read without migrate-on-read.
     *
     * @param routingKey the {@code @RoutingKey} argument, or null
     */
    public <R> R call(@Nullable Object routingKey, ModelCall<T, R> call) {
        return method.call(routingKey, call);
    }

    /**
     * A read.
     *
     * @param routingKey the {@code @RoutingKey} argument, or null
     * @param copyToNew migrate on read under read-through, or null
     */
    public <R> R call(@Nullable Object routingKey, ModelCall<T, R> call, @Nullable ModelCopy<T, R> copyToNew) {
        return method.call(routingKey, call, copyToNew);
    }

    /**
     * A read that migrates on read and can take its copy back.
     *
     * @param routingKey the {@code @RoutingKey} argument, or null
     * @param copyToNew migrate on read under read-through, or null
     * @param removeFromNew removes what the read asks for from the new model when a write ran during the copy, or
     *     null
     */
    public <R> R call(@Nullable Object routingKey, ModelCall<T, R> call, @Nullable ModelCopy<T, R> copyToNew,
            @Nullable ModelRemoval<T> removeFromNew) {
        return method.call(routingKey, call, copyToNew, removeFromNew);
    }
}

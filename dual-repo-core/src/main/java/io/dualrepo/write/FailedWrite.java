package io.dualrepo.write;

import io.dualrepo.Side;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * A write that reached the primary model but not the secondary one. The arguments are the live objects the
 * caller passed: a sink that keeps them must copy what it needs (usually the key) right away.
 *
 * @param repository the {@code @DualModel} name
 * @param method the method, with parameter types when the name is overloaded
 * @param failedSide the model the write did not reach
 * @param arguments the call's arguments, in declaration order
 * @param error what the secondary threw
 * @param at when
 */
public record FailedWrite(
        String repository, String method, Side failedSide, List<Object> arguments, Throwable error, Instant at) {

    public static FailedWrite of(
            String repository, String method, Side failedSide, Object[] arguments, Throwable error, Instant at) {
        return new FailedWrite(
                repository, method, failedSide, java.util.Collections.unmodifiableList(Arrays.asList(arguments)),
                error, at);
    }
}

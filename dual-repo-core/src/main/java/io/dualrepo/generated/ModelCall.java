package io.dualrepo.generated;

/**
 * One repository call, applied to whichever model the route picks. Generated decorators pass a lambda per call;
 * it may throw whatever the interface method declares.
 */
@FunctionalInterface
public interface ModelCall<T, R> {

    R call(T model) throws Throwable;
}

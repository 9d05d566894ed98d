package io.dualrepo.generated;

/** Migrate on read: writes what the old model answered into the new model. Generated from {@code @ReadThrough}. */
@FunctionalInterface
public interface ModelCopy<T, R> {

    void copy(T newModel, R oldResult) throws Throwable;
}

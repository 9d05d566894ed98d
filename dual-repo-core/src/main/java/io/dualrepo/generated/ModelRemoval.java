package io.dualrepo.generated;

/**
 * Takes back a migrate-on-read copy: removes from the new model what the read asked for, so that reads fall back
 * to the old model, which every write reaches. Generated from {@code @ReadThrough(removeWith = ...)}.
 */
@FunctionalInterface
public interface ModelRemoval<T> {

    void remove(T newModel) throws Throwable;
}

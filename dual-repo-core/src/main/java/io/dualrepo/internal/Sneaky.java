package io.dualrepo.internal;

/**
 * Rethrows a model's exception unchanged. The decorator's caller must see exactly what the model threw; the
 * compiler cannot know that it is one of the checked exceptions the interface method declares, but it is,
 * because it came out of an implementation of that method.
 */
final class Sneaky {

    private Sneaky() {}

    static RuntimeException rethrow(Throwable error) {
        Sneaky.<RuntimeException>throwAs(error);
        return new IllegalStateException("unreachable", error);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void throwAs(Throwable error) throws E {
        throw (E) error;
    }
}

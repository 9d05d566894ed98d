package io.dualrepo.generated;

import io.dualrepo.DualRepo;

/**
 * One generated decorator's handle on the runtime: a generated constructor makes one and asks it for a {@link
 * ReadMethod} or {@link WriteMethod} per interface method.
 *
 * @param <T> the decorated interface
 */
public final class Decorated<T> {

    private final io.dualrepo.internal.Decorated<T> decorated;

    private Decorated(io.dualrepo.internal.Decorated<T> decorated) {
        this.decorated = decorated;
    }

    /**
     * The decorator of one repository.
     *
     * @param repository the {@code @DualModel} name: lower-case letters, digits, '-' and '_', starting with a letter
     * @throws IllegalArgumentException when the name is not valid or the two models are the same object
     */
    public static <T> Decorated<T> of(
            DualRepo dualRepo, String repository, Class<?> repositoryInterface, T oldModel, T newModel) {
        return new Decorated<>(
                io.dualrepo.internal.Decorated.of(dualRepo, repository, repositoryInterface, oldModel, newModel));
    }

    /** The handle of a read method, found by name and parameter types on the decorated interface. */
    public ReadMethod<T> read(String methodName, Class<?>... parameterTypes) {
        return new ReadMethod<>(decorated.read(methodName, parameterTypes));
    }

    /** The handle of a write method, found by name and parameter types on the decorated interface. */
    public WriteMethod<T> write(String methodName, Class<?>... parameterTypes) {
        return new WriteMethod<>(decorated.write(methodName, parameterTypes));
    }
}

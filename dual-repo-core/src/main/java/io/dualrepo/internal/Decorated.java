package io.dualrepo.internal;

import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Objects;

/**
 * One decorator's view of the runtime: its two models, its repository name, and a handle per method.
 * Generated constructors reach it through {@link io.dualrepo.generated.Decorated}, which asks it for a
 * {@link ReadMethod} or {@link WriteMethod} per interface method.
 *
 * @param <T> the decorated interface
 */
public final class Decorated<T> {

    private final RepositoryRuntimes runtime;
    private final String repository;
    private final Class<?> repositoryInterface;
    private final T oldModel;
    private final T newModel;

    private Decorated(RepositoryRuntimes runtime, String repository, Class<?> repositoryInterface, T oldModel,
            T newModel) {
        this.runtime = runtime;
        this.repository = repository;
        this.repositoryInterface = repositoryInterface;
        this.oldModel = oldModel;
        this.newModel = newModel;
    }

    public static <T> Decorated<T> of(
            DualRepo dualRepo, String repository, Class<?> repositoryInterface, T oldModel, T newModel) {
        Objects.requireNonNull(dualRepo, "dualRepo");
        Objects.requireNonNull(repositoryInterface, "repositoryInterface");
        SettingChecks.repositoryName(repository);
        Objects.requireNonNull(oldModel, () -> repository + ": the old model must not be null");
        Objects.requireNonNull(newModel, () -> repository + ": the new model must not be null");
        if (oldModel == newModel) {
            throw new IllegalArgumentException(repository + ": the old and the new model are the same object ("
                    + oldModel.getClass().getName() + "); pass two implementations");
        }
        RepositoryRuntimes runtime = RepositoryRuntimes.of(dualRepo);
        runtime.decorated(repository);
        return new Decorated<>(runtime, repository, repositoryInterface, oldModel, newModel);
    }

    public ReadMethod<T> read(String methodName, Class<?>... parameterTypes) {
        return new ReadMethod<>(this, methodRuntime(methodName, parameterTypes, false));
    }

    public WriteMethod<T> write(String methodName, Class<?>... parameterTypes) {
        return new WriteMethod<>(this, methodRuntime(methodName, parameterTypes, true));
    }

    private MethodRuntime methodRuntime(String methodName, Class<?>[] parameterTypes, boolean write) {
        Method method;
        try {
            method = repositoryInterface.getMethod(methodName, parameterTypes);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(repositoryInterface.getName() + " has no method " + methodName
                    + Arrays.toString(parameterTypes) + ": the decorator is out of date, rebuild", e);
        }
        return new MethodRuntime(runtime.settings(), runtime.config(repository), repository, method, write);
    }

    T model(Side side) {
        return side == Side.OLD ? oldModel : newModel;
    }

    RepositoryRuntimes runtime() {
        return runtime;
    }

    String repository() {
        return repository;
    }

    RouteGuard routes() {
        return runtime.routes(repository);
    }
}

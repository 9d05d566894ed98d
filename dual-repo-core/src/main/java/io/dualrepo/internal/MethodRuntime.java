package io.dualrepo.internal;

import io.dualrepo.Compare;
import io.dualrepo.ComparisonMode;
import io.dualrepo.ReadThrough;
import io.dualrepo.compare.Equivalence;
import io.dualrepo.generated.ModelCall;
import io.dualrepo.internal.compare.StructuralComparator;
import io.dualrepo.internal.compare.ValueRenderer;
import io.dualrepo.spi.CompareOptions;
import io.github.resilience4j.timelimiter.TimeLimiter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * One method of one decorated repository: its names, meters, log budgets, how its results compare, and its
 * repository's settings, held here so that a call reads them from fields instead of looking its repository up.
 */
final class MethodRuntime {

    private final String repository;
    private final String name;
    private final MethodMeters meters;
    private final LogBudget mismatchLogBudget;
    private final LogBudget writeLogBudget;
    private final LogBudget hookLogBudget;
    private final StructuralComparator comparator;
    private final ValueRenderer renderer;
    private final @Nullable Equivalence<Object> equivalence;
    private final boolean readThroughFallsBack;
    private final @Nullable Stitching stitching;
    private final RepositoryConfig config;
    // Copied out of config: the shadow-read path reads them on every compared call.
    private final ComparisonMode comparisonMode;
    private final TimeLimiter timeLimiter;

    MethodRuntime(Settings settings, RepositoryConfig config, String repository, Method method, boolean write) {
        this.repository = repository;
        this.config = config;
        this.comparisonMode = config.comparisonMode();
        this.timeLimiter = config.timeLimiter();
        this.name = displayName(method);
        this.meters = new MethodMeters(settings.meterRegistry(), repository, name, write ? MethodMeters.Kind.WRITE
                : method.isAnnotationPresent(ReadThrough.class) ? MethodMeters.Kind.READ_THROUGH
                : MethodMeters.Kind.READ);
        long now = System.nanoTime();
        this.mismatchLogBudget = new LogBudget(settings.mismatchLogsPerMinute(), now);
        this.writeLogBudget = new LogBudget(settings.writeFailureLogsPerMinute(), now);
        this.hookLogBudget = new LogBudget(settings.hookErrorLogsPerMinute(), now);
        Compare compare = method.getAnnotation(Compare.class);
        CompareOptions options = new CompareOptions(
                compare == null ? Set.of() : Set.of(compare.ignoreFields()),
                compare != null && compare.unordered(),
                compare != null && compare.positional(),
                compare == null ? "" : compare.key(),
                config.sensitiveFields(),
                config.maxDifferences(),
                CompareOptions.defaults().maxRenderedLength());
        this.comparator = new StructuralComparator(options);
        this.renderer = new ValueRenderer(options);
        this.equivalence = compare == null || compare.equivalence() == Equivalence.class
                ? null
                : instantiate(compare.equivalence(), method, "equivalence");
        ReadThrough readThrough = method.getAnnotation(ReadThrough.class);
        this.readThroughFallsBack = readThrough != null || !Emptiness.isMultiRow(method.getReturnType());
        Comparator<Object> order = readThrough == null || readThrough.order() == Comparator.class
                ? null
                : instantiate(readThrough.order(), method, "order comparator");
        this.stitching = Stitching.of(settings.meterRegistry(), repository, name, method, comparator, order,
                writeLogBudget);
    }

    /** The method's name, with its parameter types when the interface overloads it: a bounded metric tag. */
    static String displayName(Method method) {
        long sameName = Arrays.stream(method.getDeclaringClass().getMethods())
                .filter(other -> other.getName().equals(method.getName()))
                .count();
        if (sameName <= 1) {
            return method.getName();
        }
        return method.getName() + Arrays.stream(method.getParameterTypes())
                .map(Class::getSimpleName)
                .collect(Collectors.joining(",", "(", ")"));
    }

    /** An equivalence or comparator an annotation names, created once per method. */
    @SuppressWarnings("unchecked")
    private static <X> X instantiate(Class<?> type, Method method, String role) {
        try {
            return (X) type.getDeclaredConstructor().newInstance();
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(role + " " + type.getName() + " of " + method
                    + " threw while being created", e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException(role + " " + type.getName() + " of " + method
                    + " needs a public no-argument constructor", e);
        }
    }

    /** Calls one model, recording the call's latency and outcome; whatever the model throws goes through unchanged. */
    <T, R> R timed(io.dualrepo.Side side, T model, ModelCall<T, R> call) {
        long start = MethodMeters.start();
        try {
            R result = call.call(model);
            meters.call(side, true, start);
            return result;
        } catch (Throwable error) {
            meters.call(side, false, start);
            throw Sneaky.rethrow(error);
        }
    }

    String repository() {
        return repository;
    }

    /** Where this repository's shadow reads run. */
    ComparisonMode comparisonMode() {
        return comparisonMode;
    }

    /** Bounds this repository's asynchronous shadow reads by its comparison timeout. */
    TimeLimiter timeLimiter() {
        return timeLimiter;
    }

    RepositoryConfig config() {
        return config;
    }

    String name() {
        return name;
    }

    MethodMeters meters() {
        return meters;
    }

    LogBudget mismatchLogBudget() {
        return mismatchLogBudget;
    }

    LogBudget writeLogBudget() {
        return writeLogBudget;
    }

    LogBudget hookLogBudget() {
        return hookLogBudget;
    }

    StructuralComparator comparator() {
        return comparator;
    }

    ValueRenderer renderer() {
        return renderer;
    }

    /** The custom equivalence from {@code @Compare}, or null for the structural one. */
    @Nullable Equivalence<Object> equivalence() {
        return equivalence;
    }

    /** Under read-through, whether an empty answer from NEW falls back to OLD; else OLD answers outright. */
    boolean readThroughFallsBack() {
        return readThroughFallsBack;
    }

    /** Under read-through, how the read stitches OLD's answer and NEW's; null when it does not. */
    @Nullable Stitching stitching() {
        return stitching;
    }
}

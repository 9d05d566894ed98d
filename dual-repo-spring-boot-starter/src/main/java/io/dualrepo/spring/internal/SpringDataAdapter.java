package io.dualrepo.spring.internal;

import java.lang.invoke.MethodHandles;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.springframework.core.ResolvableType;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * The invocation handler behind {@code SpringDataModel}: every method of the {@code @DualModel} interface planned
 * once, at start-up, against a method of the Spring Data repository, then each call mapped in, made and mapped out.
 */
public final class SpringDataAdapter implements InvocationHandler {

    private final Class<?> api;
    private final Object repository;
    private final Class<?> repositoryInterface;
    private final Mapping mapping;
    private final Map<Method, Call> calls;
    private final @Nullable TransactionTemplate transactions;

    private SpringDataAdapter(Class<?> api, Object repository, Class<?> repositoryInterface, Mapping mapping,
            Map<Method, Call> calls, @Nullable TransactionTemplate transactions) {
        this.api = api;
        this.repository = repository;
        this.repositoryInterface = repositoryInterface;
        this.mapping = mapping;
        this.calls = calls;
        this.transactions = transactions;
    }

    /** Plans every method of {@code api}; throws {@link IllegalStateException} listing each that cannot be. */
    public static <I> I create(Class<I> api, Object repository, Class<?> repositoryInterface, Class<?> entityType,
            @Nullable Class<?> domainType, @Nullable Function<Object, Object> fromEntity,
            @Nullable Function<Object, Object> toEntity, Map<String, String> renamed,
            @Nullable PlatformTransactionManager transactions) {
        Mapping mapping = new Mapping(entityType, domainType, fromEntity, toEntity);
        List<String> problems = new ArrayList<>();
        Map<Method, Call> calls = new HashMap<>();
        Set<String> apiNames = new LinkedHashSet<>();
        for (Method method : api.getMethods()) {
            if (Modifier.isStatic(method.getModifiers()) || method.isDefault()) {
                continue;
            }
            apiNames.add(method.getName());
            String targetName = renamed.getOrDefault(method.getName(), method.getName());
            try {
                calls.put(method, plan(method, targetName, repositoryInterface, mapping));
            } catch (IllegalStateException e) {
                problems.add(e.getMessage());
            }
        }
        for (String name : renamed.keySet()) {
            if (!apiNames.contains(name)) {
                problems.add("method(\"" + name + "\", ...) names no method of " + api.getSimpleName());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("SpringDataModel of " + api.getName() + " over "
                    + repositoryInterface.getName() + " cannot be built:\n  - " + String.join("\n  - ", problems));
        }
        TransactionTemplate template = transactions == null ? null : new TransactionTemplate(transactions);
        Object proxy = Proxy.newProxyInstance(api.getClassLoader(), new Class<?>[] {api},
                new SpringDataAdapter(api, repository, repositoryInterface, mapping, Map.copyOf(calls), template));
        return api.cast(proxy);
    }

    @Override
    public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> args != null && proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "SpringDataModel of " + api.getSimpleName() + " over " + repositoryInterface.getSimpleName();
            };
        }
        if (method.isDefault()) {
            return invokeDefault(proxy, method, args);
        }
        Call call = calls.get(method);
        if (call == null) {
            throw new IllegalStateException("no plan for " + method + ": the interface changed after start-up?");
        }
        Object[] arguments = args == null ? new Object[0] : args;
        if (transactions == null) {
            return call.make(repository, arguments, mapping);
        }
        @Nullable Object[] answer = new Object[1];
        try {
            transactions.executeWithoutResult(status -> {
                try {
                    answer[0] = call.make(repository, arguments, mapping);
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Throwable checked) {
                    // Rolls the transaction back, as a checked failure of a @Transactional method would not: the
                    // repository's work is half done either way.
                    throw new CheckedFailure(checked);
                }
            });
        } catch (CheckedFailure failure) {
            throw failure.getCause();
        }
        return answer[0];
    }

    /** A default method runs as written; the interface may be package-private, as the tests' are. */
    private static @Nullable Object invokeDefault(Object proxy, Method method, @Nullable Object[] args)
            throws Throwable {
        Class<?> declaring = method.getDeclaringClass();
        if (Modifier.isPublic(declaring.getModifiers())) {
            return InvocationHandler.invokeDefault(proxy, method, args);
        }
        return MethodHandles.privateLookupIn(declaring, MethodHandles.lookup()).unreflectSpecial(method, declaring)
                .bindTo(proxy).invokeWithArguments(args == null ? new Object[0] : args);
    }

    private static Call plan(Method method, String targetName, Class<?> repositoryInterface, Mapping mapping) {
        List<Call> planned = new ArrayList<>();
        List<String> misses = new ArrayList<>();
        for (Method candidate : repositoryInterface.getMethods()) {
            if (!candidate.getName().equals(targetName) || candidate.getParameterCount() != method.getParameterCount()
                    || Modifier.isStatic(candidate.getModifiers()) || candidate.isBridge()) {
                continue;
            }
            try {
                planned.add(planAgainst(method, candidate, repositoryInterface, mapping));
            } catch (IllegalStateException e) {
                misses.add(e.getMessage());
            }
        }
        String what = signature(method);
        if (planned.isEmpty()) {
            if (misses.isEmpty()) {
                throw new IllegalStateException(what + ": " + repositoryInterface.getSimpleName() + " has no method "
                        + targetName + " with " + method.getParameterCount() + " parameter(s); declare one there, or"
                        + " name the one to call with .method(\"" + method.getName() + "\", \"...\")");
            }
            throw new IllegalStateException(what + ": " + String.join("; ", misses));
        }
        if (planned.size() > 1) {
            List<Call> exact = planned.stream().filter(Call::exact).toList();
            if (exact.size() != 1) {
                throw new IllegalStateException(what + ": " + planned.size() + " methods " + targetName + " of "
                        + repositoryInterface.getSimpleName() + " fit; name one with a method of its own");
            }
            return exact.get(0);
        }
        return planned.get(0);
    }

    private static Call planAgainst(Method method, Method target, Class<?> repositoryInterface, Mapping mapping) {
        Class<?>[] given = method.getParameterTypes();
        ArgumentMapping[] arguments = new ArgumentMapping[given.length];
        boolean exact = true;
        for (int i = 0; i < given.length; i++) {
            Class<?> taken = ResolvableType.forMethodParameter(target, i, repositoryInterface)
                    .resolve(target.getParameterTypes()[i]);
            exact &= taken == given[i];
            arguments[i] = argumentMapping(given[i], elementType(method, i), taken, mapping);
            if (arguments[i] == null) {
                throw new IllegalStateException(signature(target) + " takes a " + taken.getSimpleName()
                        + " as parameter " + (i + 1) + ", not a " + given[i].getSimpleName());
            }
        }
        Class<?> answered = ResolvableType.forMethodReturnType(target, repositoryInterface)
                .resolve(target.getReturnType());
        String resultProblem = resultProblem(method.getReturnType(), answered, mapping);
        if (resultProblem != null) {
            throw new IllegalStateException(signature(target) + " answers a " + answered.getSimpleName() + ": "
                    + resultProblem);
        }
        // Spring Data repositories may be package-private interfaces of the application.
        ReflectionUtils.makeAccessible(target);
        return new Call(target, arguments, method.getReturnType(), exact);
    }

    private static @Nullable ArgumentMapping argumentMapping(Class<?> given, @Nullable Class<?> givenElement,
            Class<?> taken, Mapping mapping) {
        if (mapping.domainType != null && mapping.domainType.isAssignableFrom(given)
                && taken.isAssignableFrom(mapping.entityType)) {
            return ArgumentMapping.TO_ENTITY;
        }
        if (mapping.domainType != null && Iterable.class.isAssignableFrom(given) && givenElement != null
                && mapping.domainType.isAssignableFrom(givenElement) && taken.isAssignableFrom(List.class)) {
            return ArgumentMapping.ELEMENTS_TO_ENTITY;
        }
        if (ClassUtils.isAssignable(taken, given)) {
            return ArgumentMapping.AS_IS;
        }
        return null;
    }

    private static @Nullable Class<?> elementType(Method method, int parameter) {
        return ResolvableType.forMethodParameter(method, parameter).as(Iterable.class).getGeneric(0).resolve();
    }

    private static @Nullable String resultProblem(Class<?> wanted, Class<?> answered, Mapping mapping) {
        if (wanted == void.class) {
            return null;
        }
        if (Stream.class.isAssignableFrom(answered)) {
            return "a Stream must be read inside the repository's transaction; declare a List there";
        }
        if (wanted == Optional.class) {
            return answered == Optional.class ? null : "the interface wants an Optional";
        }
        if (Iterable.class.isAssignableFrom(wanted)) {
            if (!wanted.isAssignableFrom(List.class) && !wanted.isAssignableFrom(LinkedHashSet.class)) {
                return "the interface wants a " + wanted.getSimpleName() + "; declare it as a List, Set,"
                        + " Collection or Iterable";
            }
            return Iterable.class.isAssignableFrom(answered) ? null : "the interface wants a collection";
        }
        if (mapping.domainType != null && wanted.isAssignableFrom(mapping.domainType)) {
            return answered == Optional.class || answered.isAssignableFrom(mapping.entityType)
                    || mapping.entityType.isAssignableFrom(answered) ? null
                    : "the interface wants a " + wanted.getSimpleName() + ", mapped from the entity";
        }
        return ClassUtils.isAssignable(wanted, answered) ? null : "the interface wants a " + wanted.getSimpleName();
    }

    private static String signature(Method method) {
        StringBuilder text = new StringBuilder(method.getDeclaringClass().getSimpleName()).append('.')
                .append(method.getName()).append('(');
        Class<?>[] types = method.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            text.append(i == 0 ? "" : ", ").append(types[i].getSimpleName());
        }
        return text.append(')').toString();
    }

    private enum ArgumentMapping { AS_IS, TO_ENTITY, ELEMENTS_TO_ENTITY }

    private record Mapping(Class<?> entityType, @Nullable Class<?> domainType,
            @Nullable Function<Object, Object> fromEntity, @Nullable Function<Object, Object> toEntity) {

        @Nullable Object toEntity(@Nullable Object value) {
            return value == null || toEntity == null || passesAsIs(value) ? value : toEntity.apply(value);
        }

        @Nullable Object fromEntity(@Nullable Object value) {
            return value != null && fromEntity != null && entityType.isInstance(value) ? fromEntity.apply(value)
                    : value;
        }

        /** Already an entity: a caller may hand one over where the interface takes a supertype of both. */
        private boolean passesAsIs(Object value) {
            return entityType.isInstance(value) || domainType == null || !domainType.isInstance(value);
        }
    }

    private record Call(Method target, ArgumentMapping[] arguments, Class<?> wanted, boolean exact) {

        @Nullable Object make(Object repository, Object[] given, Mapping mapping) throws Throwable {
            Object[] taken = new Object[given.length];
            for (int i = 0; i < given.length; i++) {
                taken[i] = switch (arguments[i]) {
                    case AS_IS -> given[i];
                    case TO_ENTITY -> mapping.toEntity(given[i]);
                    case ELEMENTS_TO_ENTITY -> given[i] == null ? null : elements((Iterable<?>) given[i],
                            mapping::toEntity);
                };
            }
            Object answered;
            try {
                answered = target.invoke(repository, taken);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot call " + target + " from SpringDataModel", e);
            }
            return fit(answered, mapping);
        }

        private @Nullable Object fit(@Nullable Object answered, Mapping mapping) {
            if (wanted == void.class) {
                return null;
            }
            if (answered instanceof Optional<?> optional) {
                Optional<?> mapped = optional.map(mapping::fromEntity);
                return wanted == Optional.class ? mapped : mapped.orElse(null);
            }
            if (answered instanceof Iterable<?> iterable && Iterable.class.isAssignableFrom(wanted)) {
                List<Object> mapped = elements(iterable, mapping::fromEntity);
                return wanted.isAssignableFrom(List.class) ? mapped : new LinkedHashSet<>(mapped);
            }
            return mapping.fromEntity(answered);
        }

        private static List<Object> elements(Iterable<?> values, Function<@Nullable Object, @Nullable Object> map) {
            List<Object> mapped = values instanceof Collection<?> collection ? new ArrayList<>(collection.size())
                    : new ArrayList<>();
            for (Object value : values) {
                mapped.add(map.apply(value));
            }
            return mapped;
        }
    }

    /** Carries a checked failure out of the transaction callback, which may throw only unchecked ones. */
    private static final class CheckedFailure extends RuntimeException {
        CheckedFailure(Throwable cause) {
            super(null, cause, false, false);
        }
    }
}

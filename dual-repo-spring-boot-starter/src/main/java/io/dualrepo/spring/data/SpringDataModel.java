package io.dualrepo.spring.data;

import io.dualrepo.spring.internal.SpringDataAdapter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.core.ResolvableType;
import org.springframework.data.repository.Repository;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * One model of a {@code @DualModel} interface made from a Spring Data repository: each method of the interface
 * calls the repository's method of the same name (or the one named with {@link Builder#method}), with the
 * interface's type mapped to the repository's entity on the way in and back on the way out.
 *
 * <pre>{@code
 * @Bean @OldModel
 * IncidentRepository legacyIncidents(LegacyIncidentRows rows) {
 *     return SpringDataModel.of(IncidentRepository.class, rows)
 *             .mapped(Incident.class, IncidentMapping::toIncident, IncidentMapping::toLegacyRow)
 *             .method("findByOrganisation", "findByOrganisationIdOrderById")
 *             .build();
 * }
 * }</pre>
 *
 * <p>Every method of the interface is matched when {@link Builder#build()} runs, so a method with no counterpart, or
 * one whose parameters or result cannot be mapped, stops the application at start-up rather than at its first call.
 */
public final class SpringDataModel {

    private SpringDataModel() {}

    /**
     * Starts a model of {@code api} over {@code repository}. Without {@link Builder#mapped}, the interface must use
     * the repository's entity type itself (an entity moved to another database, say).
     */
    public static <I, E> Builder<I, E> of(Class<I> api, Repository<E, ?> repository) {
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(repository, "repository");
        if (!api.isInterface()) {
            throw new IllegalArgumentException(api.getName() + " is not an interface: a model of a @DualModel"
                    + " implements the @DualModel interface");
        }
        return new Builder<>(api, repository);
    }

    /** What {@link #of} starts; {@link #build()} checks every method and makes the model. */
    public static final class Builder<I, E> {

        private final Class<I> api;
        private final Repository<E, ?> repository;
        private final Map<String, String> renamed = new LinkedHashMap<>();
        private @Nullable Class<?> domainType;
        private @Nullable Function<Object, Object> fromEntity;
        private @Nullable Function<Object, Object> toEntity;
        private @Nullable PlatformTransactionManager transactions;

        private Builder(Class<I> api, Repository<E, ?> repository) {
            this.api = api;
            this.repository = repository;
        }

        /**
         * The mapping between the repository's entity and the interface's type {@code domainType}: arguments that
         * are {@code D}s (alone or in a collection) reach the repository as entities, and entities it answers
         * (alone, in an {@code Optional} or in a collection) come back as {@code D}s. Other values pass unchanged.
         */
        @SuppressWarnings("unchecked")
        public <D> Builder<I, E> mapped(Class<D> domainType, Function<? super E, ? extends D> fromEntity,
                Function<? super D, ? extends E> toEntity) {
            this.domainType = Objects.requireNonNull(domainType, "domainType");
            this.fromEntity = (Function<Object, Object>) (Function<?, ?>) Objects.requireNonNull(fromEntity,
                    "fromEntity");
            this.toEntity = (Function<Object, Object>) (Function<?, ?>) Objects.requireNonNull(toEntity,
                    "toEntity");
            return this;
        }

        /**
         * Calls the repository's {@code repositoryMethod} for the interface's {@code apiMethod} (every overload of
         * that name with the same number of parameters), where the names differ: a derived query's name spells
         * its conditions, which the interface need not know.
         */
        public Builder<I, E> method(String apiMethod, String repositoryMethod) {
            Objects.requireNonNull(apiMethod, "apiMethod");
            Objects.requireNonNull(repositoryMethod, "repositoryMethod");
            if (renamed.putIfAbsent(apiMethod, repositoryMethod) != null) {
                throw new IllegalArgumentException(apiMethod + " is already mapped to "
                        + renamed.get(apiMethod));
            }
            return this;
        }

        /**
         * Runs each call, mapping included, in a transaction of {@code transactions}, joining the caller's
         * transaction where there is one: so that look-ups the mapping makes and the repository's own work see one
         * persistence context, and a lazy association can be read while mapping.
         */
        public Builder<I, E> transactions(PlatformTransactionManager transactions) {
            this.transactions = Objects.requireNonNull(transactions, "transactions");
            return this;
        }

        /** Matches every method of the interface; throws {@link IllegalStateException} naming each that fails. */
        public I build() {
            Class<?> repositoryInterface = repositoryInterface(repository);
            Class<?> entityType = ResolvableType.forClass(repositoryInterface).as(Repository.class)
                    .getGeneric(0).resolve();
            if (entityType == null) {
                throw new IllegalStateException(repositoryInterface.getName() + " does not name its entity type"
                        + " (Repository<Entity, Id>), so " + api.getSimpleName() + " cannot be mapped to it");
            }
            return SpringDataAdapter.create(api, repository, repositoryInterface, entityType, domainType,
                    fromEntity, toEntity, renamed, transactions);
        }

        /** Spring Data hands out a proxy: the application's interface extending {@link Repository} has the methods. */
        private static Class<?> repositoryInterface(Object repository) {
            for (Class<?> type = repository.getClass(); type != null; type = type.getSuperclass()) {
                for (Class<?> candidate : type.getInterfaces()) {
                    if (Repository.class.isAssignableFrom(candidate)
                            && !candidate.getPackageName().startsWith("org.springframework.data.")) {
                        return candidate;
                    }
                }
            }
            throw new IllegalArgumentException(repository.getClass().getName() + " implements no repository"
                    + " interface of the application's own (one that extends Spring Data's Repository)");
        }
    }
}

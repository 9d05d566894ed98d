package io.dualrepo.spring;

import io.dualrepo.ComparisonMode;
import io.dualrepo.DualRepo;
import io.dualrepo.RepositorySettings;
import io.dualrepo.compare.ComparisonListener;
import io.dualrepo.record.MigrationRecord;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.RouteSource;
import io.dualrepo.spring.DualRepoProperties.CircuitBreaker;
import io.dualrepo.spring.DualRepoProperties.Comparison;
import io.dualrepo.spring.DualRepoProperties.Repository;
import io.dualrepo.spring.DualRepoProperties.RepositoryCircuitBreaker;
import io.dualrepo.spring.DualRepoProperties.RepositoryComparison;
import io.dualrepo.spring.DualRepoProperties.WriteScope;
import io.dualrepo.spring.internal.DecoratorRegistrar;
import io.dualrepo.write.DualWriteScope;
import io.dualrepo.write.FailedWriteSink;
import io.dualrepo.write.SecondaryWriteFailurePolicy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Builds one {@link DualRepo} from {@code dualrepo.*} properties and the application's beans, and registers every
 * {@code @DualModel} decorator as the primary bean of its interface ({@link DecoratorRegistrar}).
 *
 * <p>Each piece backs off for a bean of the application's own: a {@link RouteSource} (Unleash, OpenFeature)
 * replaces the in-memory one seeded from {@code dualrepo.repositories.<name>.stage}, and a {@link DualRepo}
 * replaces the whole runtime (the decorators then use it). A {@link MeterRegistry}, {@link MigrationRecord},
 * {@link FailedWriteSink}, {@link DualWriteScope} and any {@link ComparisonListener}s are used when defined.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "dualrepo.enabled", matchIfMissing = true)
@EnableConfigurationProperties(DualRepoProperties.class)
@Import(DecoratorRegistrar.class)
public class DualRepoAutoConfiguration {

    /** The bean name of the route source built from properties. */
    public static final String ROUTE_SOURCE_BEAN = "dualRepoRouteSource";

    /** The bean name of the write scope built from {@code dualrepo.write-scope}. */
    public static final String WRITE_SCOPE_BEAN = "dualRepoWriteScope";

    private static final Logger log = LoggerFactory.getLogger(DualRepoAutoConfiguration.class);

    /**
     * Typed as {@link InMemoryRouteSource}, not as {@link RouteSource}, so that an application (or its tests) can
     * inject it and change a stage at run time. Not built beside the application's own {@link DualRepo}, which
     * would never read it: stages set on it would look set and change nothing.
     */
    @Bean(ROUTE_SOURCE_BEAN)
    @ConditionalOnMissingBean({RouteSource.class, DualRepo.class})
    public InMemoryRouteSource dualRepoRouteSource(DualRepoProperties properties) {
        InMemoryRouteSource routes = InMemoryRouteSource.named(properties.getRouteSourceName());
        properties.getRepositories().forEach((name, repository) -> {
            if (repository.getStage() != null) {
                routes.set(name, repository.getStage());
            }
        });
        return routes;
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public DualRepo dualRepo(DualRepoProperties properties, RouteSource routeSource, BeanFactory beanFactory,
            ObjectProvider<MeterRegistry> meterRegistry, ObjectProvider<MigrationRecord> migrationRecord,
            ObjectProvider<FailedWriteSink> failedWriteSink, ObjectProvider<DualWriteScope> dualWriteScope,
            ObjectProvider<ComparisonListener> listeners, ObjectProvider<CircuitBreakerRegistry> circuitBreakers) {
        if (!beanFactory.containsBean(ROUTE_SOURCE_BEAN) && properties.getRepositories().values().stream()
                .anyMatch(repository -> repository.getStage() != null)) {
            log.warn("dualrepo.repositories.*.stage is ignored: the application defines its own RouteSource ({})",
                    routeSource.name());
        }
        DualRepo.Builder builder = DualRepo.builder().routeSource(routeSource);
        Comparison comparison = properties.getComparison();
        CircuitBreaker breaker = properties.getCircuitBreaker();
        // Each setting is applied apart so that a value the builder refuses is named by its property.
        set("dualrepo.default-stage", () -> builder.defaultRoute(properties.getDefaultStage()));
        set("dualrepo.enforce-transitions", () -> builder.enforceTransitions(properties.isEnforceTransitions()));
        set("dualrepo.secondary-write-failure-policy",
                () -> builder.secondaryWriteFailurePolicy(properties.getSecondaryWriteFailurePolicy()));
        set("dualrepo.sensitive-fields",
                () -> builder.sensitiveFields(properties.getSensitiveFields().toArray(String[]::new)));
        set("dualrepo.write-failure-logs-per-minute",
                () -> builder.writeFailureLogsPerMinute(properties.getWriteFailureLogsPerMinute()));
        set("dualrepo.hook-error-logs-per-minute",
                () -> builder.hookErrorLogsPerMinute(properties.getHookErrorLogsPerMinute()));
        set("dualrepo.comparison.mode", () -> builder.comparisonMode(comparison.getMode()));
        set("dualrepo.comparison.threads", () -> builder.comparisonThreads(comparison.getThreads()));
        set("dualrepo.comparison.queue", () -> builder.comparisonQueue(comparison.getQueue()));
        set("dualrepo.comparison.timeout", () -> builder.comparisonTimeout(comparison.getTimeout()));
        set("dualrepo.comparison.budget", () -> builder.comparisonBudget(comparison.getBudget()));
        set("dualrepo.comparison.budget-window", () -> builder.comparisonBudgetWindow(comparison.getBudgetWindow()));
        set("dualrepo.comparison.max-differences", () -> builder.maxDifferences(comparison.getMaxDifferences()));
        set("dualrepo.comparison.mismatch-logs-per-minute",
                () -> builder.mismatchLogsPerMinute(comparison.getMismatchLogsPerMinute()));
        set("dualrepo.circuit-breaker.*", () -> builder.circuitBreaker(breaker.getFailureRateThreshold(),
                breaker.getSlidingWindowSize(), breaker.getWaitDurationInOpenState()));
        properties.getRepositories().forEach((name, repository) -> {
            // A repository that sets only its stage runs on the settings above, and is not the runtime's business.
            if (setsRuntimeSettings(repository)) {
                set("dualrepo.repositories." + name, () -> builder.repository(name,
                        settings -> repositorySettings(name, repository, breaker, settings)));
            }
        });
        // Without a registry bean the builder's default stands: Micrometer's global registry.
        meterRegistry.ifAvailable(builder::meterRegistry);
        migrationRecord.ifAvailable(builder::migrationRecord);
        failedWriteSink.ifAvailable(builder::failedWriteSink);
        // Resilience4j's Spring Boot integration (or the application) has a registry: the breakers go in it, so that
        // its endpoint and metrics list them.
        circuitBreakers.ifUnique(builder::circuitBreakerRegistry);
        DualWriteScope scope = dualWriteScope.getIfAvailable();
        if (scope != null) {
            builder.dualWriteScope(scope);
            if (properties.getWriteScope() != WriteScope.NONE && !beanFactory.containsBean(WRITE_SCOPE_BEAN)) {
                log.warn("dualrepo.write-scope={} is ignored: the application defines its own DualWriteScope",
                        properties.getWriteScope());
            }
        } else if (properties.getWriteScope() != WriteScope.NONE) {
            // The JPA auto-configuration backs off without Spring's JPA and Hibernate on the class path.
            throw new IllegalStateException("Invalid dualrepo.write-scope: " + properties.getWriteScope() + " needs"
                    + " spring-orm and Hibernate on the class path, with one EntityManagerFactory and a"
                    + " JpaTransactionManager (spring-boot-starter-data-jpa gives both); or set it to none");
        }
        listeners.orderedStream().forEach(builder::onComparison);
        return builder.build();
    }

    private static boolean setsRuntimeSettings(Repository repository) {
        RepositoryComparison comparison = repository.getComparison();
        RepositoryCircuitBreaker breaker = repository.getCircuitBreaker();
        return repository.getSecondaryWriteFailurePolicy() != null || !repository.getSensitiveFields().isEmpty()
                || comparison.getMode() != null || comparison.getTimeout() != null
                || comparison.getMaxDifferences() != null || breaker.getFailureRateThreshold() != null
                || breaker.getSlidingWindowSize() != null || breaker.getWaitDurationInOpenState() != null;
    }

    /** One repository's own settings; each refused value is named by its property, as the shared ones are. */
    private static void repositorySettings(String name, Repository repository, CircuitBreaker shared,
            RepositorySettings.Builder settings) {
        String prefix = "dualrepo.repositories." + name + ".";
        // Read into locals once, so that each is known non-null where it is passed on.
        RepositoryComparison comparison = repository.getComparison();
        ComparisonMode mode = comparison.getMode();
        if (mode != null) {
            set(prefix + "comparison.mode", () -> settings.comparisonMode(mode));
        }
        Duration timeout = comparison.getTimeout();
        if (timeout != null) {
            set(prefix + "comparison.timeout", () -> settings.comparisonTimeout(timeout));
        }
        Integer maxDifferences = comparison.getMaxDifferences();
        if (maxDifferences != null) {
            set(prefix + "comparison.max-differences", () -> settings.maxDifferences(maxDifferences));
        }
        RepositoryCircuitBreaker breaker = repository.getCircuitBreaker();
        if (breaker.getFailureRateThreshold() != null || breaker.getSlidingWindowSize() != null
                || breaker.getWaitDurationInOpenState() != null) {
            // The runtime takes a breaker whole; a value this repository leaves unset is the shared one.
            float failureRate = Objects.requireNonNullElse(breaker.getFailureRateThreshold(),
                    shared.getFailureRateThreshold());
            int window = Objects.requireNonNullElse(breaker.getSlidingWindowSize(), shared.getSlidingWindowSize());
            Duration openFor = Objects.requireNonNullElse(breaker.getWaitDurationInOpenState(),
                    shared.getWaitDurationInOpenState());
            set(prefix + "circuit-breaker.*", () -> settings.circuitBreaker(failureRate, window, openFor));
        }
        SecondaryWriteFailurePolicy policy = repository.getSecondaryWriteFailurePolicy();
        if (policy != null) {
            set(prefix + "secondary-write-failure-policy", () -> settings.secondaryWriteFailurePolicy(policy));
        }
        set(prefix + "sensitive-fields",
                () -> settings.sensitiveFields(repository.getSensitiveFields().toArray(String[]::new)));
    }

    private static void set(String property, Runnable setting) {
        try {
            setting.run();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalStateException("Invalid " + property + ": " + e.getMessage(), e);
        }
    }
}

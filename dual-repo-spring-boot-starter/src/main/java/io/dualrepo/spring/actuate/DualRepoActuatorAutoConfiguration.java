package io.dualrepo.spring.actuate;

import io.dualrepo.DualRepo;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.RouteSource;
import io.dualrepo.spring.DualRepoAutoConfiguration;
import io.dualrepo.spring.jobs.MigrationJobs;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code dualrepo} endpoint and health indicator, when the application has Actuator and a {@link DualRepo}.
 * Exposure and security stay Actuator's: the endpoint is not reachable over HTTP until the application includes it
 * in {@code management.endpoints.web.exposure.include}.
 */
@AutoConfiguration(after = DualRepoAutoConfiguration.class,
        afterName = "io.dualrepo.spring.hibernate.DualRepoJobsAutoConfiguration")
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(DualRepo.class)
public class DualRepoActuatorAutoConfiguration {

    /**
     * The stage can be set only through the starter's own in-memory source: it exists only when the application
     * defines neither a {@link RouteSource} nor a {@link DualRepo}, so it is then the one the runtime reads. A stage
     * written into any other source would be overwritten by the flag service, or never read.
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    public DualRepoEndpoint dualRepoEndpoint(DualRepo dualRepo, BeanFactory beanFactory,
            ObjectProvider<RouteSource> routeSource, ObjectProvider<MigrationJobs> jobs,
            ObjectProvider<RecentComparisons> comparisons) {
        String name = DualRepoAutoConfiguration.ROUTE_SOURCE_BEAN;
        InMemoryRouteSource stageControl = beanFactory.containsBean(name)
                && beanFactory.isTypeMatch(name, InMemoryRouteSource.class)
                ? beanFactory.getBean(name, InMemoryRouteSource.class) : null;
        RouteSource source = routeSource.getIfUnique();
        return new DualRepoEndpoint(dualRepo, stageControl, source == null ? null : source.name(),
                jobs.getIfUnique(), comparisons.getIfUnique());
    }

    /** A listener of the starter's {@link DualRepo}, which takes every {@code ComparisonListener} bean. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(DualRepoEndpoint.class)
    public RecentComparisons dualRepoRecentComparisons() {
        return new RecentComparisons();
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(DualRepoEndpoint.class)
    public DualRepoEndpointWebExtension dualRepoEndpointWebExtension(DualRepoEndpoint endpoint) {
        return new DualRepoEndpointWebExtension(endpoint);
    }

    /** Apart, so that an application with the endpoint classes but without Boot's health module still starts. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class Health {

        /** Named so that the health endpoint lists it as {@code dualrepo}. */
        @Bean
        @ConditionalOnMissingBean(name = "dualrepoHealthIndicator")
        @ConditionalOnEnabledHealthIndicator("dualrepo")
        public DualRepoHealthIndicator dualrepoHealthIndicator(DualRepo dualRepo) {
            return new DualRepoHealthIndicator(dualRepo);
        }
    }
}

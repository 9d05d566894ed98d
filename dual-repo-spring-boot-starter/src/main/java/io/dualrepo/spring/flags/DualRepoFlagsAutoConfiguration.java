package io.dualrepo.spring.flags;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.OpenFeatureAPI;
import io.dualrepo.flags.UnleashRouteSource;
import io.dualrepo.openfeature.OpenFeatureRouteSource;
import io.dualrepo.routing.RouteSource;
import io.dualrepo.spring.DualRepoAutoConfiguration;
import io.getunleash.DefaultUnleash;
import io.getunleash.util.UnleashConfig;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The route source from a flag service, by properties: before {@link DualRepoAutoConfiguration}, whose in-memory
 * routes are then not built. One flag service at a time: routes from two would disagree with nothing to say which
 * wins.
 */
@AutoConfiguration(before = DualRepoAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "dualrepo.enabled", matchIfMissing = true)
public class DualRepoFlagsAutoConfiguration {

    /** The bean name of the route source built from dualrepo.unleash.* or dualrepo.openfeature.*. */
    public static final String FLAG_ROUTE_SOURCE_BEAN = "dualRepoFlagRouteSource";

    static final String UNLEASH_ENABLED = "dualrepo.unleash.enabled";
    static final String OPENFEATURE_ENABLED = "dualrepo.openfeature.enabled";

    private static void refuseBoth(Environment environment) {
        if (environment.getProperty(UNLEASH_ENABLED, Boolean.class, false)
                && environment.getProperty(OPENFEATURE_ENABLED, Boolean.class, false)) {
            throw new IllegalStateException(UNLEASH_ENABLED + " and " + OPENFEATURE_ENABLED + " are both true: routes"
                    + " must come from one flag service; set one of them to false");
        }
    }

    /** {@code dualrepo.unleash.enabled=true}: an {@link UnleashRouteSource} on the Unleash SDK. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({UnleashRouteSource.class, DefaultUnleash.class})
    @ConditionalOnBooleanProperty(UNLEASH_ENABLED)
    @EnableConfigurationProperties(UnleashProperties.class)
    static class Unleash {

        @Bean(FLAG_ROUTE_SOURCE_BEAN)
        @ConditionalOnMissingBean(RouteSource.class)
        UnleashRouteSource dualRepoRouteSource(UnleashProperties properties, Environment environment,
                ObjectProvider<MeterRegistry> meterRegistry) {
            refuseBoth(environment);
            UnleashRouteSource.Builder builder = UnleashRouteSource.builder().flagPrefix(properties.getFlagPrefix());
            meterRegistry.ifAvailable(builder::meterRegistry);
            if (properties.getBootstrapFile() != null) {
                return UnleashRouteSource.offline(properties.getBootstrapFile(), builder);
            }
            String url = required(properties.getUrl(), "dualrepo.unleash.url",
                    "the Unleash API's address, e.g. http://unleash.internal:4242/api/");
            String token = required(properties.getApiToken(), "dualrepo.unleash.api-token",
                    "a client API token (an environment variable, say: ${UNLEASH_API_TOKEN})");
            String appName = properties.getAppName() != null ? properties.getAppName()
                    : environment.getProperty("spring.application.name", "dualrepo");
            long fetchSeconds = Math.max(1, properties.getFetchInterval().toSeconds());
            return builder.unleash(subscriber -> new DefaultUnleash(UnleashConfig.builder()
                            .appName(appName)
                            .unleashAPI(url)
                            .apiKey(token)
                            .fetchTogglesInterval(fetchSeconds)
                            .subscriber(subscriber)
                            .build()))
                    .build();
        }

        private static String required(@Nullable String value, String property,
                String what) {
            if (value == null || value.isBlank()) {
                throw new IllegalStateException(UNLEASH_ENABLED + " is true but " + property + " is not set: set it to "
                        + what + ", or set dualrepo.unleash.bootstrap-file to read the flags from a file");
            }
            return value;
        }
    }

    /**
     * {@code dualrepo.openfeature.enabled=true}: an {@link OpenFeatureRouteSource} on the application's OpenFeature
     * {@link Client} bean, else on a client of OpenFeature's API for the configured domain.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({OpenFeatureRouteSource.class, OpenFeatureAPI.class})
    @ConditionalOnBooleanProperty(OPENFEATURE_ENABLED)
    @EnableConfigurationProperties(OpenFeatureProperties.class)
    static class OpenFeature {

        @Bean(FLAG_ROUTE_SOURCE_BEAN)
        @ConditionalOnMissingBean(RouteSource.class)
        OpenFeatureRouteSource dualRepoRouteSource(OpenFeatureProperties properties, Environment environment,
                ObjectProvider<Client> client, ObjectProvider<MeterRegistry> meterRegistry) {
            refuseBoth(environment);
            Client flags = client.getIfUnique(() -> properties.getDomain() == null
                    ? OpenFeatureAPI.getInstance().getClient()
                    : OpenFeatureAPI.getInstance().getClient(properties.getDomain()));
            OpenFeatureRouteSource.Builder builder = OpenFeatureRouteSource.builder().client(flags)
                    .flagPrefix(properties.getFlagPrefix());
            meterRegistry.ifAvailable(builder::meterRegistry);
            if (properties.getRefreshInterval() != null) {
                builder.refreshInterval(properties.getRefreshInterval());
            }
            return builder.build();
        }
    }
}

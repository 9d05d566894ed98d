package io.dualrepo.sample.spring;

import io.dualrepo.flags.UnleashRouteSource;
import io.getunleash.DefaultUnleash;
import io.getunleash.util.UnleashConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;

/**
 * Profile {@code unleash}: routes from Unleash flags ({@code dualrepo.incidents.stage} and the rest, docs/flags.md)
 * instead of the starter's in-memory source, which this bean replaces. The Actuator endpoint then shows the routes
 * but refuses stage changes: they are made in Unleash. With {@code incidents.unleash.bootstrap-file} the flags come
 * from a file and no server is asked.
 */
@Configuration(proxyBeanMethods = false)
@Profile("unleash")
class UnleashRoutes {

    @Bean
    UnleashRouteSource unleashRouteSource(Environment environment, MeterRegistry meterRegistry) {
        String bootstrapFile = environment.getProperty("incidents.unleash.bootstrap-file");
        if (bootstrapFile != null) {
            return UnleashRouteSource.offline(Path.of(bootstrapFile));
        }
        String url = environment.getRequiredProperty("incidents.unleash.url");
        String token = environment.getRequiredProperty("incidents.unleash.api-token");
        return UnleashRouteSource.builder()
                .unleash(subscriber -> new DefaultUnleash(UnleashConfig.builder()
                        .appName("incidents")
                        .unleashAPI(url)
                        .apiKey(token)
                        .fetchTogglesInterval(environment.getProperty("incidents.unleash.fetch-interval-seconds",
                                Long.class, 10L))
                        .subscriber(subscriber)
                        .build()))
                .flagPrefix(environment.getProperty("incidents.unleash.flag-prefix", "dualrepo."))
                .meterRegistry(meterRegistry)
                .build();
    }
}

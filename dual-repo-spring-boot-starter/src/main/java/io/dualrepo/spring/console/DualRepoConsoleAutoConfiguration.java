package io.dualrepo.spring.console;

import io.dualrepo.DualRepo;
import io.dualrepo.console.Authenticator;
import io.dualrepo.console.ComparisonHistory;
import io.dualrepo.console.OperatorConsole;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.RouteSource;
import io.dualrepo.spring.DualRepoAutoConfiguration;
import io.dualrepo.spring.DualRepoProperties;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The operator console on a port of its own, when the application has {@code dual-repo-console} and sets {@code
 * dualrepo.console.enabled=true}: off by default, because it changes where production reads come from.
 *
 * <p>It shows every decorated repository, sets stages through the starter's in-memory route source when the starter
 * built one (routes from anywhere else are only shown, with where they come from), and charts comparisons from a
 * {@link ComparisonHistory} bean that the starter's {@link DualRepo} takes as one of its listeners. Authentication is
 * the {@code dualrepo.console.token} or an {@link Authenticator} bean of the application's; {@link ConsoleCustomizer}
 * beans add the application's own actions and state.
 */
@AutoConfiguration(after = DualRepoAutoConfiguration.class)
@ConditionalOnBooleanProperty("dualrepo.console.enabled")
public class DualRepoConsoleAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(DualRepoConsoleAutoConfiguration.class);

    private static final String CONSOLE_CLASS = "io.dualrepo.console.OperatorConsole";

    /**
     * Enabled without the module, the console would be silently absent while the operators are told to open it. A
     * bean that fails start-up says so; apart from {@link Console}, whose methods name the console's types.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingClass(CONSOLE_CLASS)
    static class ConsoleMissing {

        @Bean
        Object dualRepoConsoleMissing() {
            throw new IllegalStateException("dualrepo.console.enabled=true, but io.dualrepo:dual-repo-console is"
                    + " not on the class path: add it (docs/spring.md, \"Console\"), or set"
                    + " dualrepo.console.enabled=false");
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = CONSOLE_CLASS)
    @ConditionalOnBean(DualRepo.class)
    @EnableConfigurationProperties(DualRepoProperties.class)
    static class Console {

        /**
         * A {@code ComparisonListener} bean, so the starter's {@link DualRepo} records into it. An application with a
         * {@link DualRepo} of its own registers it there itself ({@code onComparison(history)}).
         */
        @Bean
        @ConditionalOnMissingBean
        public ComparisonHistory dualRepoComparisonHistory() {
            return new ComparisonHistory();
        }

        @Bean
        @ConditionalOnMissingBean
        public OperatorConsoleServer dualRepoConsoleServer(DualRepo dualRepo, DualRepoProperties properties,
                BeanFactory beanFactory, ObjectProvider<RouteSource> routeSource, ComparisonHistory comparisonHistory,
                ObjectProvider<Authenticator> authenticator, ObjectProvider<ConsoleCustomizer> customizers) {
            ConsoleProperties settings = properties.getConsole();
            OperatorConsole.Builder console = OperatorConsole.over(dualRepo).comparisonHistory(comparisonHistory);
            authenticate(console, settings, authenticator.getIfUnique());
            InMemoryRouteSource stageControl = starterRoutes(beanFactory);
            if (stageControl != null) {
                console.stageControl(stageControl, "in memory (" + stageControl.name() + "), set from this console");
            } else {
                RouteSource source = routeSource.getIfUnique();
                console.routeOrigin((source == null ? "the application's route source" : source.name())
                        + ": change stages there");
            }
            // Each setting is applied apart so that a value the builder refuses is named by its property.
            set("dualrepo.console.allowed-hosts",
                    () -> console.allowedHosts(settings.getAllowedHosts().toArray(String[]::new)));
            set("dualrepo.console.allowed-origins",
                    () -> console.allowedOrigins(settings.getAllowedOrigins().toArray(String[]::new)));
            set("dualrepo.console.title", () -> console.title(settings.getTitle()));
            set("dualrepo.console.request-timeout", () -> console.requestTimeout(settings.getRequestTimeout()));
            set("dualrepo.console.max-request-bytes", () -> console.maxRequestBytes(settings.getMaxRequestBytes()));
            customizers.orderedStream().forEach(customizer -> customizer.customize(console));
            InetAddress address = settings.getAddress();
            if (address == null) {
                address = InetAddress.getLoopbackAddress();
            } else if (!address.isLoopbackAddress() && settings.getAllowedHosts().isEmpty()) {
                log.warn("dualrepo.console.address={} but dualrepo.console.allowed-hosts is empty: the console answers"
                        + " only requests that name a loopback host (others get 421)", address.getHostAddress());
            }
            int port = settings.getPort();
            if (port < 0 || port > 65535) {
                throw new IllegalStateException("Invalid dualrepo.console.port: " + port + " is not a port (0 to 65535,"
                        + " 0 picks a free one)");
            }
            return new OperatorConsoleServer(dualRepo, console, new InetSocketAddress(address, port));
        }

        private static void authenticate(OperatorConsole.Builder console, ConsoleProperties settings,
                @Nullable Authenticator authenticator) {
            String token = settings.getToken();
            if (authenticator != null) {
                console.authenticator(authenticator);
                if (token != null) {
                    log.info("dualrepo.console.token is not used: the application's Authenticator bean decides");
                }
                return;
            }
            // The messages never hold the token, nor any part of it: start-up failures are logged.
            if (token == null || token.isBlank()) {
                throw new IllegalStateException("dualrepo.console.enabled=true needs dualrepo.console.token, a secret"
                        + " of at least " + Authenticator.MIN_TOKEN_LENGTH + " characters (e.g."
                        + " dualrepo.console.token=${OPERATOR_TOKEN}), or an io.dualrepo.console.Authenticator bean:"
                        + " the console can change where reads come from");
            }
            if (token.strip().length() < Authenticator.MIN_TOKEN_LENGTH) {
                throw new IllegalStateException("Invalid dualrepo.console.token: it has fewer than "
                        + Authenticator.MIN_TOKEN_LENGTH + " characters, and a short token can be guessed (its value is"
                        + " not shown)");
            }
            console.token(token);
        }

        /**
         * The in-memory route source the starter built, the only one a stage can be set through: it exists only when
         * the application defines neither a {@link RouteSource} nor a {@link DualRepo}, so it is then the one the
         * runtime reads. A stage written into any other source would be overwritten by the flag service, or never
         * read.
         */
        private static @Nullable InMemoryRouteSource starterRoutes(BeanFactory beanFactory) {
            String name = DualRepoAutoConfiguration.ROUTE_SOURCE_BEAN;
            return beanFactory.containsBean(name) && beanFactory.isTypeMatch(name, InMemoryRouteSource.class)
                    ? beanFactory.getBean(name, InMemoryRouteSource.class) : null;
        }

        private static void set(String property, Runnable setting) {
            try {
                setting.run();
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalStateException("Invalid " + property + ": " + e.getMessage(), e);
            }
        }
    }
}

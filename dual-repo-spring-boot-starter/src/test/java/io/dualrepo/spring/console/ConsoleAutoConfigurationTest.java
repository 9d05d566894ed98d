package io.dualrepo.spring.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualrepo.DualRepo;
import io.dualrepo.console.Authenticator;
import io.dualrepo.console.OperatorConsole;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.RouteSource;
import io.dualrepo.routing.Stage;
import io.dualrepo.spring.DualRepoAutoConfiguration;
import io.dualrepo.spring.DualRepoProperties;
import io.dualrepo.spring.app.TaskApplication;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/** When the starter builds the console, what it refuses to start with, and that it goes with the context. */
@ExtendWith(OutputCaptureExtension.class)
class ConsoleAutoConfigurationTest {

    private static final String TOKEN = "console-autoconfig-token-0123";

    @Test
    void offUnlessEnabled() {
        try (ConfigurableApplicationContext context = run()) {
            assertThat(context.getBeansOfType(OperatorConsoleServer.class)).isEmpty();
        }
    }

    @Test
    void enabledWithoutTheModuleStopsStartUpSayingWhatToAdd() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DualRepoAutoConfiguration.class,
                        DualRepoConsoleAutoConfiguration.class))
                .withClassLoader(new FilteredClassLoader(OperatorConsole.class))
                .withPropertyValues("dualrepo.console.enabled=true", "dualrepo.console.token=" + TOKEN)
                .run(context -> assertThat(context).getFailure().rootCause().hasMessage("dualrepo.console.enabled=true,"
                        + " but io.dualrepo:dual-repo-console is not on the class path: add it (docs/spring.md,"
                        + " \"Console\"), or set dualrepo.console.enabled=false"));
    }

    @Test
    void enabledWithoutATokenStopsStartUpSayingWhatIsMissing() {
        assertThatThrownBy(() -> run("dualrepo.console.enabled=true", "dualrepo.console.port=0"))
                .hasStackTraceContaining("dualrepo.console.enabled=true needs dualrepo.console.token, a secret of at"
                        + " least 16 characters");
        assertThatThrownBy(() -> run("dualrepo.console.enabled=true", "dualrepo.console.port=0",
                "dualrepo.console.token= "))
                .hasStackTraceContaining("needs dualrepo.console.token");
    }

    @Test
    void aShortTokenStopsStartUpWithoutShowingIt(CapturedOutput output) {
        String shortToken = "sh0rt-t0ken-x";
        assertThatThrownBy(() -> run("dualrepo.console.enabled=true", "dualrepo.console.port=0",
                "dualrepo.console.token=" + shortToken))
                .hasStackTraceContaining("Invalid dualrepo.console.token: it has fewer than 16 characters");
        assertThat(output).contains("Invalid dualrepo.console.token").doesNotContain(shortToken);
    }

    @Test
    void withNoDecoratorByTheStartThereIsNothingToShowAndStartUpSaysSo() {
        assertThatThrownBy(() -> run("dualrepo.console.enabled=true", "dualrepo.console.port=0",
                "dualrepo.console.token=" + TOKEN, "dualrepo.decorators.enabled=false"))
                .hasStackTraceContaining("dualrepo.console.enabled=true, but no @DualModel decorator was built on the"
                        + " DualRepo by the time the context started");
    }

    @Test
    void theTokenIsNeverLogged(CapturedOutput output) throws IOException {
        try (ConfigurableApplicationContext context = run("dualrepo.console.enabled=true",
                "dualrepo.console.port=0", "dualrepo.console.token=" + TOKEN)) {
            ConsoleWire wire = new ConsoleWire(context.getBean(OperatorConsoleServer.class).port());
            assertThat(wire.send("GET", "/api/operator/state", wire.ownHost(), null, TOKEN, null).status())
                    .isEqualTo(200);
            assertThat(context.getBean(DualRepoProperties.class).getConsole().toString()).doesNotContain(TOKEN);
        }
        assertThat(output).contains("operator console listening on http://127.0.0.1:").doesNotContain(TOKEN);
    }

    @Test
    void closingTheContextReleasesThePort() throws IOException {
        int port;
        try (ConfigurableApplicationContext context = run("dualrepo.console.enabled=true",
                "dualrepo.console.port=0", "dualrepo.console.address=127.0.0.1", "dualrepo.console.token=" + TOKEN)) {
            OperatorConsoleServer server = context.getBean(OperatorConsoleServer.class);
            assertThat(server.isRunning()).isTrue();
            port = server.port();
            assertThat(server.uri().toString()).isEqualTo("http://127.0.0.1:" + port + "/");
            assertThat(new ConsoleWire(port).send("GET", "/", "127.0.0.1:" + port, null, null, null).status())
                    .isEqualTo(200);
        }
        // The console's socket is closed: the port can be bound again at once.
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void aPortInUseStopsStartUpNamingTheAddress() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> run("dualrepo.console.enabled=true", "dualrepo.console.port=" + port,
                    "dualrepo.console.token=" + TOKEN))
                    .hasStackTraceContaining("The operator console cannot listen on")
                    .hasStackTraceContaining(":" + port + " (dualrepo.console.address, dualrepo.console.port)");
        }
    }

    /** Routes from a flag service cannot be set here: a stage written to the starter's source would never be read. */
    @Test
    void routesFromElsewhereAreShownAndNotSet() throws IOException {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TaskApplication.class,
                OwnRoutes.class).web(WebApplicationType.NONE).properties("dualrepo.console.enabled=true",
                        "dualrepo.console.port=0", "dualrepo.console.token=" + TOKEN).run()) {
            ConsoleWire wire = new ConsoleWire(context.getBean(OperatorConsoleServer.class).port());
            String state = wire.send("GET", "/api/operator/state", wire.ownHost(), null, TOKEN, null).body();
            assertThat(state).contains("\"origin\":\"the flag service: change stages there\"",
                    "\"controllable\":false");
            ConsoleWire.Reply refused = wire.send("POST", "/api/operator/stage", wire.ownHost(), null, TOKEN,
                    "{\"stage\": \"DUAL_WRITE\"}");
            assertThat(refused.status()).as(refused.body()).isEqualTo(409);
            assertThat(context.getBean(DualRepo.class).currentRoute("tasks")).isEqualTo(Stage.SHADOW.route());
        }
    }

    /**
     * The host application's own authentication instead of a token (here a fixed bearer value, as a check of its
     * own session would be), and its own action through a customizer.
     */
    @Test
    void anAuthenticatorBeanTakesThePlaceOfTheTokenAndCustomizersAddActions() throws IOException {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TaskApplication.class,
                ApplicationParts.class).web(WebApplicationType.NONE).properties("dualrepo.console.enabled=true",
                        "dualrepo.console.port=0").run()) {
            ConsoleWire wire = new ConsoleWire(context.getBean(OperatorConsoleServer.class).port());
            assertThat(wire.send("GET", "/api/operator/state", wire.ownHost(), null, TOKEN, null).status())
                    .isEqualTo(401);
            assertThat(wire.send("GET", "/api/operator/state", wire.ownHost(), null, "operator-on-duty", null)
                    .status()).isEqualTo(200);
            ConsoleWire.Reply echo = wire.send("POST", "/api/operator/echo", wire.ownHost(), null,
                    "operator-on-duty", "{\"say\": \"hello\"}");
            assertThat(echo.status()).as(echo.body()).isEqualTo(200);
            assertThat(echo.body()).isEqualTo("{\"said\":\"hello\"}");
        }
    }

    @Test
    void defaultsAreTheConsolesAndEveryPropertyIsDescribed() throws IOException {
        ConsoleProperties properties = new ConsoleProperties();
        assertThat(properties.isEnabled()).isFalse();
        assertThat(properties.getAddress()).as("the loopback interface").isNull();
        assertThat(properties.getRequestTimeout()).isEqualTo(OperatorConsole.DEFAULT_REQUEST_TIMEOUT);
        assertThat(properties.getMaxRequestBytes()).isEqualTo(OperatorConsole.DEFAULT_MAX_REQUEST_BYTES);
        String metadata = ownMetadata();
        for (String property : List.of("enabled", "port", "address", "token", "allowed-hosts", "allowed-origins",
                "title", "request-timeout", "max-request-bytes")) {
            assertThat(metadata).contains("\"name\": \"dualrepo.console." + property + "\"");
        }
        assertThat(metadata).contains("The console's port, apart from the application's own server");
    }

    private static ConfigurableApplicationContext run(String... properties) {
        return new SpringApplicationBuilder(TaskApplication.class).web(WebApplicationType.NONE)
                .properties(properties).run();
    }

    private static String ownMetadata() throws IOException {
        ClassLoader loader = ConsoleAutoConfigurationTest.class.getClassLoader();
        for (URL url : Collections.list(loader.getResources("META-INF/spring-configuration-metadata.json"))) {
            try (InputStream in = url.openStream()) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (text.contains("io.dualrepo.spring.DualRepoProperties")) {
                    return text;
                }
            }
        }
        throw new AssertionError("no META-INF/spring-configuration-metadata.json describes DualRepoProperties");
    }

    /** A route source of the application's own, as a flag service would be; not a component, so never scanned. */
    static class OwnRoutes {

        @Bean
        RouteSource flagService() {
            InMemoryRouteSource flags = InMemoryRouteSource.named("the flag service");
            flags.set("tasks", Stage.SHADOW);
            return flags;
        }
    }

    /** Not a component either: registered as a source of the application only where a test names it. */
    static class ApplicationParts {

        @Bean
        Authenticator operatorHeader() {
            return headers -> List.of("Bearer operator-on-duty").equals(headers.get("authorization"));
        }

        @Bean
        ConsoleCustomizer echo() {
            return console -> console.action("echo", request -> Map.of("said", request.requiredString("say")));
        }
    }
}

package io.dualrepo.sample.spring;

import io.dualrepo.spring.DualRepoProperties;
import io.dualrepo.spring.console.OperatorConsoleServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Prints where the operator console is, once the application is ready: with a generated token, the page's address
 * with the token in its fragment (which browsers never send), the only place that token is ever shown. On standard
 * output, never in the log: a sample may print it, a log file must never hold it.
 */
@Component
class OperatorConsoleAddress {

    private final ObjectProvider<OperatorConsoleServer> console;
    private final DualRepoProperties properties;
    private final Environment environment;

    OperatorConsoleAddress(ObjectProvider<OperatorConsoleServer> console, DualRepoProperties properties,
            Environment environment) {
        this.console = console;
        this.properties = properties;
        this.environment = environment;
    }

    @EventListener(ApplicationReadyEvent.class)
    void print() {
        OperatorConsoleServer server = console.getIfAvailable();
        if (server == null) {
            return;
        }
        String token = Objects.requireNonNull(properties.getConsole().getToken());
        boolean fromEnvironment = token.equals(environment.getProperty("OPERATOR_TOKEN"));
        System.out.println(fromEnvironment
                ? "operator console at " + server.uri() + " (open it as " + server.uri() + "#token=<OPERATOR_TOKEN>)"
                : "operator console at " + server.uri() + "#token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)
                        + " (a token generated for this run; set OPERATOR_TOKEN for one of your own)");
    }
}

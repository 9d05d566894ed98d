package io.dualrepo.console.internal;

import io.dualrepo.console.ActionRequest;
import io.dualrepo.console.ConsoleAction;
import io.dualrepo.console.ConsoleException;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.Stage;
import io.dualrepo.spi.WithheldMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's requests, whichever server read them: the guard's checks, the page's files, the state, the stage,
 * and the application's actions.
 */
public final class ConsoleHandler {

    private static final Logger log = LoggerFactory.getLogger(ConsoleHandler.class);

    // The page's own files and nothing else: no inline script or style, no other origin.
    private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; frame-ancestors 'none'";
    static final String API = "api/";
    static final String OPERATOR_API = "api/operator/";

    private final ConsoleConfig config;
    private final StateView view;
    private final Map<String, Exchange.Reply> files;
    private final Map<String, StateView.StageRefusal> refusals = new ConcurrentHashMap<>();

    public ConsoleHandler(ConsoleConfig config) {
        this.config = config;
        this.view = new StateView(config);
        String page = resource("index.html")
                .replace("{{title}}", escapeHtml(config.title()))
                .replace("{{appScript}}", config.pageScript() == null ? ""
                        : "<script src=\"app.js\" defer></script>");
        this.files = config.pageScript() == null
                ? Map.of("", html(page), "console.js", script(resource("console.js")),
                        "console.css", css(resource("console.css")))
                : Map.of("", html(page), "console.js", script(resource("console.js")),
                        "console.css", css(resource("console.css")), "app.js", script(config.pageScript()));
    }

    public ConsoleConfig config() {
        return config;
    }

    /** Serves one request; never throws. */
    public Exchange.Reply handle(Exchange.Request request) {
        Exchange.Reply reply;
        try {
            reply = route(request);
        } catch (ConsoleException e) {
            reply = Exchange.Reply.error(e.status(), String.valueOf(e.getMessage()));
        } catch (Exception e) {
            log.error("{} {} failed", request.method(), request.rawPath(), WithheldMessage.of(e));
            reply = Exchange.Reply.error(500, "the console failed to answer " + request.method() + " "
                    + request.rawPath() + ": " + e.getClass().getSimpleName() + " (details in the server's log)");
        }
        return withCommonHeaders(reply);
    }

    /** The headers every answer of the console carries. */
    public static Exchange.Reply withCommonHeaders(Exchange.Reply reply) {
        return reply.withHeader("Cache-Control", "no-store").withHeader("X-Content-Type-Options", "nosniff")
                .withHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    }

    private Exchange.Reply route(Exchange.Request request) throws Exception {
        Optional<Exchange.Reply> refused = config.guard().checkHostAndOrigin(request);
        if (refused.isPresent()) {
            return refused.get();
        }
        String path = request.rawPath();
        String prefix = config.prefix();
        if (path.equals(prefix.substring(0, prefix.length() - 1)) && !path.isEmpty()) {
            return new Exchange.Reply(308, null, new byte[0], Map.of("Location", prefix));
        }
        if (!path.startsWith(prefix)) {
            throw new ConsoleException(404, "no such resource: " + path);
        }
        String relative = path.substring(prefix.length());
        if (!relative.startsWith(API)) {
            Exchange.Reply file = files.get(relative);
            if (file == null) {
                throw new ConsoleException(404, "no such resource: " + path);
            }
            return only("GET", request).orElse(file);
        }
        // The API needs authentication, even to be told what exists in it.
        Optional<Exchange.Reply> unauthenticated = config.guard().checkAuthenticated(request);
        if (unauthenticated.isPresent()) {
            return unauthenticated.get();
        }
        if (!relative.startsWith(OPERATOR_API)) {
            throw new ConsoleException(404, "no such resource: " + path);
        }
        String name = relative.substring(OPERATOR_API.length());
        if (name.equals("state")) {
            return only("GET", request).orElseGet(() -> Exchange.Reply.json(200, view.state(Map.copyOf(refusals))));
        }
        if (!name.equals("stage") && !config.actions().containsKey(name)) {
            throw new ConsoleException(404, "no such resource: " + path);
        }
        Optional<Exchange.Reply> wrongMethod = only("POST", request);
        if (wrongMethod.isPresent()) {
            return wrongMethod.get();
        }
        Map<String, Object> body = body(request);
        if (name.equals("stage")) {
            return Exchange.Reply.json(200, setStage(body));
        }
        // route() answered 404 above for a name that is neither stage nor an action.
        ConsoleAction action = Objects.requireNonNull(config.actions().get(name), name);
        Object answer = action.perform(new ActionRequest(name, body));
        return answer instanceof ConsoleAction.Answer status ? Exchange.Reply.json(status.status(), status.body())
                : Exchange.Reply.json(200, answer);
    }

    /** 405 naming the method allowed, when the request's is another. */
    private static Optional<Exchange.Reply> only(String method, Exchange.Request request) {
        if (method.equals(request.method())) {
            return Optional.empty();
        }
        return Optional.of(Exchange.Reply.error(405, request.method() + " is not allowed on " + request.rawPath()
                + "; allowed: " + method).withHeader("Allow", method));
    }

    /**
     * The body as a JSON object. Bodies must be declared JSON: a browser sends that content type across sites only
     * after a preflight, which the console never grants, so another site's page cannot drive it even without the
     * Origin check.
     */
    private Map<String, Object> body(Exchange.Request request) {
        String type = Optional.ofNullable(request.single("content-type")).orElse("");
        if (!type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new ConsoleException(415, "send the request with Content-Type: application/json"
                    + (type.isEmpty() ? "" : " (it was " + type + ")"));
        }
        if (request.body().length > config.maxRequestBytes()) {
            throw new ConsoleException(413, "request body over " + config.maxRequestBytes() + " bytes");
        }
        String text = new String(request.body(), StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return Map.of();
        }
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw ConsoleException.badRequest("request body is not valid JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw ConsoleException.badRequest("request body must be a JSON object, like {\"stage\": \"SHADOW\"}");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) map;
        return object;
    }

    /**
     * Sets the stage if the migration record's rules allow it; else answers 409 with the reason, and the route in
     * force stays. Judged before it is offered, so that a refused stage never waits in the route source to take effect
     * on its own once the evidence arrives; and judged again by the runtime as it takes it.
     */
    private synchronized Map<String, Object> setStage(Map<String, Object> body) {
        ActionRequest request = new ActionRequest("stage", body);
        InMemoryRouteSource control = config.stageControl();
        if (control == null) {
            throw ConsoleException.conflict("Routes come from " + config.routeOrigin() + "; change them there");
        }
        String repository = request.optionalString("repository").orElseGet(() -> {
            if (config.repositories().size() != 1) {
                throw ConsoleException.badRequest("field 'repository' is required: one of "
                        + config.repositories());
            }
            return config.repositories().get(0);
        });
        if (!config.repositories().contains(repository)) {
            throw ConsoleException.badRequest("unknown repository '" + repository + "': expected one of "
                    + config.repositories());
        }
        Optional<String> undecorated = StateView.undecorated(config, repository);
        if (undecorated.isPresent()) {
            throw ConsoleException.conflict(undecorated.get());
        }
        String name = request.requiredString("stage");
        Stage stage;
        try {
            stage = Stage.valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ConsoleException.badRequest("unknown stage '" + name + "': expected one of "
                    + Arrays.toString(Stage.values()));
        }
        Route before = config.dualRepo().currentRoute(repository);
        Optional<String> problem = config.dualRepo().transitionProblem(repository, stage.route());
        if (problem.isPresent()) {
            throw refused(repository, stage, before, problem.get());
        }
        control.set(repository, stage);
        Route taken = config.dualRepo().currentRoute(repository);
        if (!taken.equals(stage.route())) {
            // The runtime has checks of its own (writes still waiting for the repair) and the record may have
            // changed meanwhile: offer the route in force again, so the refused one does not wait in the source.
            control.set(repository, taken);
            throw refused(repository, stage, taken, config.dualRepo().lastRefusal(repository)
                    .orElse("the runtime kept " + StateView.label(taken)));
        }
        refusals.remove(repository);
        log.info("{}: stage set to {} from the operator console", repository, stage);
        return view.route(repository);
    }

    private ConsoleException refused(String repository, Stage stage, Route kept, String reason) {
        String message = stage + " refused, " + StateView.label(kept) + " stays: " + reason;
        refusals.put(repository, new StateView.StageRefusal(config.clock().millis(), stage.name(), message));
        // The runtime logs refusals it makes itself; this one was judged before the route source saw it.
        log.warn("{}: {} (asked from the operator console)", repository, message);
        return ConsoleException.conflict(message);
    }

    private static String resource(String name) {
        String path = "/io/dualrepo/console/page/" + name;
        try (InputStream in = ConsoleHandler.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("the console's file " + path + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path, e);
        }
    }

    private static Exchange.Reply html(String text) {
        return Exchange.Reply.text("text/html; charset=utf-8", text);
    }

    private static Exchange.Reply script(String text) {
        return Exchange.Reply.text("text/javascript; charset=utf-8", text);
    }

    private static Exchange.Reply css(String text) {
        return Exchange.Reply.text("text/css; charset=utf-8", text);
    }

    private static String escapeHtml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

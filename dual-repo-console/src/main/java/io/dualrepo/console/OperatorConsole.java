package io.dualrepo.console;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.dualrepo.DualRepo;
import io.dualrepo.console.internal.ConsoleConfig;
import io.dualrepo.console.internal.ConsoleHandler;
import io.dualrepo.console.internal.Exchange;
import io.dualrepo.console.internal.Guard;
import io.dualrepo.routing.InMemoryRouteSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator console: a page and its JSON API that show each repository's route, comparisons and migration record,
 * and change its stage through the runtime's transition rules. Mount {@link #httpHandler()} on a JDK {@code
 * HttpServer}, or serve it on its own with {@link ConsoleServer}.
 *
 * <pre>{@code
 * OperatorConsole console = OperatorConsole.over(dualRepo)
 *         .repositories("incidents")
 *         .stageControl(routes, "in memory")
 *         .token(System.getenv("OPERATOR_TOKEN"))
 *         .build();
 * ConsoleServer server = ConsoleServer.start(console, new InetSocketAddress(InetAddress.getLoopbackAddress(), 8081));
 * }</pre>
 *
 * <p>Every request must name one of the console's hosts (by default this machine's loopback names: a site whose name
 * was rebound to 127.0.0.1 is refused with 421); a state-changing request from a browser must come from the console's
 * own page or an allowed origin (else 403); the API ({@code <prefix>api/...}) needs the token or the {@link
 * Authenticator} (else 401); posted bodies must be JSON (else 415) and at most {@link Builder#maxRequestBytes} long
 * (else 413).
 */
public final class OperatorConsole {

    private static final Logger log = LoggerFactory.getLogger(OperatorConsole.class);

    public static final int DEFAULT_MAX_REQUEST_BYTES = 64 * 1024;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final ConsoleHandler handler;

    private OperatorConsole(ConsoleConfig config) {
        this.handler = new ConsoleHandler(config);
    }

    /** A console over this runtime's repositories. */
    public static Builder over(DualRepo dualRepo) {
        return new Builder(dualRepo);
    }

    /** Where the page is: the path prefix, ending in {@code /}. */
    public String pathPrefix() {
        return handler.config().prefix();
    }

    /** How long {@link ConsoleServer} gives a request to arrive, from its first byte to its last. */
    public Duration requestTimeout() {
        return handler.config().requestTimeout();
    }

    /** The largest body taken. */
    public int maxRequestBytes() {
        return handler.config().maxRequestBytes();
    }

    /**
     * The console as a handler for a JDK {@code HttpServer} context at {@link #pathPrefix()} (mounted without its
     * trailing slash, e.g. {@code "/ops"}, so that the bare prefix is redirected to the page). The server's own limits
     * apply to reading requests: set {@code sun.net.httpserver.maxReqTime} (seconds) before creating it, else a client
     * that never finishes its request holds a request thread forever; and {@code sun.net.httpserver.nodelay=true},
     * else each keep-alive answer waits some 40 ms for the client's delayed ACK.
     */
    public HttpHandler httpHandler() {
        return exchange -> {
            try (exchange) {
                Exchange.Reply reply = readBody(exchange)
                        .map(body -> handler.handle(request(exchange, body)))
                        .orElseGet(() -> ConsoleHandler.withCommonHeaders(Exchange.Reply.error(413,
                                "request body over " + maxRequestBytes() + " bytes")));
                send(exchange, reply);
            } catch (IOException e) {
                log.debug("{} {}: the client went away before the answer was sent", exchange.getRequestMethod(),
                        exchange.getRequestURI().getRawPath(), e);
            }
        };
    }

    /**
     * The console's Host and Origin checks as a filter for the application's own contexts on the same server, so that
     * its API is as safe from other sites' pages as the console's.
     */
    public Filter hostAndOriginFilter() {
        return new Filter() {
            @Override
            public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
                Optional<Exchange.Reply> refused = handler.config().guard().checkHostAndOrigin(
                        request(exchange, new byte[0]));
                if (refused.isEmpty()) {
                    chain.doFilter(exchange);
                    return;
                }
                try (exchange) {
                    send(exchange, ConsoleHandler.withCommonHeaders(refused.get()));
                }
            }

            @Override
            public String description() {
                return "the dual-repo console's Host and Origin checks";
            }
        };
    }

    /** Serves a request read by {@link ConsoleServer}. */
    Exchange.Reply handle(Exchange.Request request) {
        return handler.handle(request);
    }

    private Optional<byte[]> readBody(HttpExchange exchange) throws IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        try {
            if (length != null && Long.parseLong(length.strip()) > maxRequestBytes()) {
                return Optional.empty();
            }
        } catch (NumberFormatException e) {
            // The JDK's server refuses a malformed length before any handler sees it.
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(maxRequestBytes() + 1);
            return body.length > maxRequestBytes() ? Optional.empty() : Optional.of(body);
        }
    }

    private static Exchange.Request request(HttpExchange exchange, byte[] body) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers
                .computeIfAbsent(name.toLowerCase(Locale.ROOT), key -> new ArrayList<>()).addAll(values));
        return new Exchange.Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), headers, body);
    }

    private static void send(HttpExchange exchange, Exchange.Reply reply) throws IOException {
        var headers = exchange.getResponseHeaders();
        if (reply.contentType() != null) {
            headers.set("Content-Type", reply.contentType());
        }
        reply.headers().forEach(headers::set);
        boolean empty = reply.body().length == 0;
        exchange.sendResponseHeaders(reply.status(), empty ? -1 : reply.body().length);
        if (!empty) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply.body());
            }
        }
    }

    /** How a console is put together; {@link #repositories} and a {@link #token} or {@link #authenticator} needed. */
    public static final class Builder {

        private final DualRepo dualRepo;
        private final List<String> repositories = new ArrayList<>();
        private @Nullable InMemoryRouteSource stageControl;
        private String routeOrigin = "the route source";
        private @Nullable Authenticator authenticator;
        private final Set<String> hosts = new LinkedHashSet<>();
        private final Set<String> origins = new LinkedHashSet<>();
        private String prefix = "/";
        private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private @Nullable ComparisonHistory comparisonHistory;
        private @Nullable Function<String, Optional<Instant>> pendingSync;
        private @Nullable ToLongFunction<String> quarantinedRows;
        private final Map<String, ConsoleAction> actions = new LinkedHashMap<>();
        private @Nullable Supplier<?> appState;
        private @Nullable String pageScript;
        private String title = "dual-repo operator console";
        private Clock clock = Clock.systemUTC();

        private Builder(DualRepo dualRepo) {
            this.dualRepo = Objects.requireNonNull(dualRepo, "dualRepo");
        }

        /** The {@code @DualModel} names the console shows, in this order. */
        public Builder repositories(String... names) {
            for (String name : names) {
                repositories.add(Objects.requireNonNull(name, "repository"));
            }
            return this;
        }

        /**
         * The in-memory route source the runtime reads, through which the console sets stages; {@code origin} says
         * where routes come from, for the page. Without it the console only shows routes ({@link #routeOrigin}).
         */
        public Builder stageControl(InMemoryRouteSource routes, String origin) {
            this.stageControl = Objects.requireNonNull(routes, "routes");
            return routeOrigin(origin);
        }

        /** Where routes come from, e.g. "Unleash at https://flags.example (flags incidents.*)": shown on the page. */
        public Builder routeOrigin(String origin) {
            this.routeOrigin = Objects.requireNonNull(origin, "origin");
            return this;
        }

        /** The API's bearer token; {@link Authenticator#randomToken()} makes one. */
        public Builder token(String token) {
            return authenticator(Authenticator.bearerToken(token));
        }

        /** Authentication of the host application's own, instead of a token. */
        public Builder authenticator(Authenticator authenticator) {
            this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
            return this;
        }

        /**
         * The Host values the console answers to ({@code name} or {@code name:port}, as browsers send them). Default:
         * this machine's loopback names (127.0.0.1, localhost, [::1]) at any port.
         */
        public Builder allowedHosts(String... hosts) {
            for (String host : hosts) {
                this.hosts.add(host.strip().toLowerCase(Locale.ROOT));
            }
            return this;
        }

        /** Origins besides the page's own whose pages may change things (e.g. {@code https://ops.example}). */
        public Builder allowedOrigins(String... origins) {
            for (String origin : origins) {
                this.origins.add(origin.strip().toLowerCase(Locale.ROOT));
            }
            return this;
        }

        /** Where the page lives, e.g. {@code /ops/}; default {@code /}. */
        public Builder pathPrefix(String prefix) {
            if (!prefix.startsWith("/")) {
                throw new IllegalArgumentException("the path prefix starts with '/', was '" + prefix + "'");
            }
            this.prefix = prefix.endsWith("/") ? prefix : prefix + "/";
            return this;
        }

        /** The largest body taken; larger ones are answered 413 unread. Default 64 KiB. */
        public Builder maxRequestBytes(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxRequestBytes must be positive, was " + bytes);
            }
            this.maxRequestBytes = bytes;
            return this;
        }

        /** How long {@link ConsoleServer} gives a request to arrive, from its first byte to its last. Default 10 s. */
        public Builder requestTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("requestTimeout must be positive, was " + timeout);
            }
            this.requestTimeout = timeout;
            return this;
        }

        /** Comparison outcomes to show; register the same history with the runtime. */
        public Builder comparisonHistory(ComparisonHistory history) {
            this.comparisonHistory = Objects.requireNonNull(history, "history");
            return this;
        }

        /** When the oldest write still waiting for the repair was made, per repository (empty: none waits). */
        public Builder pendingSync(Function<String, Optional<Instant>> oldestPending) {
            this.pendingSync = Objects.requireNonNull(oldestPending, "oldestPending");
            return this;
        }

        /** How many rows a backfill holds in quarantine, per repository. */
        public Builder quarantine(ToLongFunction<String> quarantinedRows) {
            this.quarantinedRows = Objects.requireNonNull(quarantinedRows, "quarantinedRows");
            return this;
        }

        /** An action of the application's, posted to {@code <prefix>api/operator/<name>}. */
        public Builder action(String name, ConsoleAction action) {
            if (!name.matches("[a-z][a-z0-9-]*") || name.equals("state") || name.equals("stage")) {
                throw new IllegalArgumentException("an action's name is lower-case letters, digits and '-', and not"
                        + " 'state' or 'stage'; was '" + name + "'");
            }
            actions.put(name, Objects.requireNonNull(action, "action"));
            return this;
        }

        /** The application's own state, written as the state document's {@code app} (maps, lists, records...). */
        public Builder appState(Supplier<?> state) {
            this.appState = Objects.requireNonNull(state, "state");
            return this;
        }

        /**
         * A script the page loads after its own (served as {@code <prefix>app.js}): it draws the application's
         * sections and calls its actions through {@code window.dualRepoConsole} (see docs/console.md).
         */
        public Builder pageScript(String javascript) {
            this.pageScript = Objects.requireNonNull(javascript, "javascript");
            return this;
        }

        /** The page's heading and title. */
        public Builder title(String title) {
            this.title = Objects.requireNonNull(title, "title");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public OperatorConsole build() {
            if (repositories.isEmpty()) {
                throw new IllegalStateException("name the repositories the console shows: repositories(...)");
            }
            if (authenticator == null) {
                throw new IllegalStateException("the console needs a token(...) or an authenticator(...): it can"
                        + " change where reads come from");
            }
            ComparisonHistory history = comparisonHistory;
            return new OperatorConsole(new ConsoleConfig(dualRepo, List.copyOf(repositories), stageControl,
                    routeOrigin, new Guard(hosts, origins, authenticator), prefix, maxRequestBytes, requestTimeout,
                    history == null ? null : history::snapshot, pendingSync, quarantinedRows, Map.copyOf(actions),
                    appState, pageScript, title, clock));
        }
    }
}

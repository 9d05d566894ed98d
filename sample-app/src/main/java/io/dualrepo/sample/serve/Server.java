package io.dualrepo.sample.serve;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dualrepo.console.Authenticator;
import io.dualrepo.console.OperatorConsole;
import io.dualrepo.hibernate.backfill.BackfillResult;
import io.dualrepo.sample.SampleApp;
import io.dualrepo.sample.Settings;
import io.dualrepo.sample.serve.Http.ClientError;
import io.dualrepo.sample.serve.Http.Request;
import io.dualrepo.sample.serve.Http.Response;
import io.dualrepo.sample.serve.Http.Route;
import io.dualrepo.spi.WithheldMessage;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serve mode: the sample app as an HTTP service, with the incidents API, Prometheus metrics at {@code /metrics} and
 * the library's operator console ({@code dual-repo-console}) at {@code /}, which shows the migration as it runs and
 * steers it.
 *
 * <p>The operator API ({@code /api/operator/*}) changes where reads come from, starts backfills and plants bugs,
 * so it asks for a bearer token ({@link Settings#operatorToken()}, else a random one the console shows once in the
 * page's address, {@code #token=...}). It listens on the loopback interface only and answers only requests naming
 * it there (Host), and refuses state-changing requests from other sites' pages (Origin): the console's checks, which
 * guard the incidents API too. A request must arrive within {@link #MAX_REQUEST_SECONDS} and be answered within
 * {@link #MAX_RESPONSE_SECONDS}, else its connection is closed. Built on the JDK's {@code HttpServer}, with no web
 * framework, and Nagle's algorithm off.
 */
public final class Server implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Server.class);

    /** The history seeded into an empty database: enough rows for the backfill bar to move. */
    public static final int SEED_ORGANISATIONS = 20;
    public static final int SEED_INCIDENTS_PER_ORGANISATION = 50;

    static final int REQUEST_THREADS = 8;
    /**
     * From a request's first byte to its last: a client sending slower has its connection closed, which frees the
     * request thread blocked reading it (the JDK's server reads requests on its executor's threads).
     */
    public static final long MAX_REQUEST_SECONDS = 10;
    /** From a request read to its answer written; the verifier, the slowest handler, runs one at a time. */
    public static final long MAX_RESPONSE_SECONDS = 60;
    private static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; frame-ancestors 'none'";
    /** The application's own contexts; everything else is the console's. */
    private static final List<String> APP_CONTEXTS = List.of("/api/incidents", "/api/organisations", "/metrics");

    static {
        // The JDK's server reads these once, when its first instance is made, and by default has no limit at all.
        // A value given on the command line (-Dsun.net.httpserver.maxReqTime=...) wins.
        setIfAbsent("sun.net.httpserver.maxReqTime", Long.toString(MAX_REQUEST_SECONDS));
        setIfAbsent("sun.net.httpserver.maxRspTime", Long.toString(MAX_RESPONSE_SECONDS));
        // Else every keep-alive answer waits some 40 ms for the client's delayed ACK (Nagle's algorithm), and serve
        // mode measures that instead of the stages.
        setIfAbsent("sun.net.httpserver.nodelay", "true");
    }

    private final SampleApp app;
    private final PrometheusMeterRegistry registry;
    private final OperatorActions operator;
    private final List<Route> routes = new ArrayList<>();
    private final ExecutorService requestThreads;
    private final HttpServer http;
    private final String operatorToken;
    private final boolean tokenGenerated;
    private final CountDownLatch closed = new CountDownLatch(1);

    private Server(Settings settings) throws IOException {
        this.operatorToken = settings.operatorToken().orElseGet(Authenticator::randomToken);
        this.tokenGenerated = settings.operatorToken().isEmpty();
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        this.app = SampleApp.start(settings, registry);
        OperatorActions operator = null;
        ExecutorService requestThreads = null;
        try {
            int seeded = app.seed(SEED_ORGANISATIONS, SEED_INCIDENTS_PER_ORGANISATION);
            if (seeded > 0) {
                log.info("seeded {} incidents in {} organisations", seeded, SEED_ORGANISATIONS);
            }
            // The new model must exist, with every organisation's statuses, before it can take a dual write.
            app.expand();
            BackfillResult statuses = app.backfillStatuses();
            log.info("{}", statuses);
            app.newModel().plantBug(settings.plantedBug());

            operator = new OperatorActions(app, Clock.systemUTC());
            routes.addAll(new IncidentEndpoints(app, app.organisations()).routes());
            routes.add(Route.of("GET", "/metrics", request -> Response.text(METRICS_CONTENT_TYPE, registry.scrape())));

            AtomicInteger threads = new AtomicInteger();
            requestThreads = Executors.newFixedThreadPool(REQUEST_THREADS, runnable -> {
                Thread thread = new Thread(runnable, "http-" + threads.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
            this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), settings.port()), 0);
            OperatorConsole console = operator.console(operatorToken, hosts(http.getAddress().getPort()));
            // The console's Host and Origin checks guard the application's own API too.
            Filter guard = console.hostAndOriginFilter();
            for (String context : APP_CONTEXTS) {
                http.createContext(context, this::dispatch).getFilters().add(guard);
            }
            http.createContext(console.pathPrefix(), console.httpHandler());
            http.setExecutor(requestThreads);
            http.start();
        } catch (IOException | RuntimeException | Error e) {
            if (operator != null) {
                operator.close();
            }
            if (requestThreads != null) {
                requestThreads.shutdownNow();
            }
            app.close();
            registry.close();
            throw e;
        }
        this.operator = operator;
        this.requestThreads = requestThreads;
    }

    /**
     * Starts the app (seeding an empty database, expanding the schema, giving every organisation its statuses) and
     * serves it; {@link Settings#port()} 0 picks a free port, which {@link #port()} tells.
     *
     * @throws IOException when the port cannot be bound
     */
    public static Server start(Settings settings) throws IOException {
        return new Server(settings);
    }

    /** Serves until the process is stopped; the console entry point of {@code serve}. */
    public static void run(Settings settings) throws IOException, InterruptedException {
        Server server;
        try {
            server = start(settings);
        } catch (BindException e) {
            System.err.println("cannot listen on port " + settings.port() + " (" + e.getMessage()
                    + "): choose another with --port=N or PORT=N");
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "server-shutdown"));
        log.info("serving on {}", server.uri());
        // The one place the token is shown: samples may use the console, and the log must never hold it.
        System.out.println(server.consoleLine());
        server.closed.await();
    }

    /** What {@link #run} prints: with a generated token, the only place the token is ever shown. */
    String consoleLine() {
        String page = tokenGenerated
                ? "open the operator page at " + operatorPageUri()
                : "operator page at " + uri() + " (open it as " + uri() + "#token=<OPERATOR_TOKEN>)";
        return "dual-repo sample app serving on " + uri() + "; " + page + "; API under " + uri().resolve("/api/")
                + " (/api/operator/* needs Authorization: Bearer <token>), metrics at " + uri().resolve("/metrics")
                + "; Ctrl-C stops it";
    }

    /** The port the server listens on. */
    public int port() {
        return http.getAddress().getPort();
    }

    /** The operator page's address. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + port() + "/");
    }

    /**
     * The operator page's address with the operator token in its fragment, which browsers never send: the page
     * moves it to its session storage and out of the address bar.
     */
    public URI operatorPageUri() {
        // Escaped, as the page unescapes it: a token of one's own may hold '&', '#' or '%'.
        return URI.create(uri() + "#token=" + URLEncoder.encode(operatorToken, StandardCharsets.UTF_8));
    }

    /** The operator API's bearer token, for tests and embedding: never log it. */
    public String operatorToken() {
        return operatorToken;
    }

    /** The app being served, for tests and embedding. */
    public SampleApp app() {
        return app;
    }

    /** Stops serving, waiting up to a second for requests in progress, then closes the app. Safe to repeat. */
    @Override
    public void close() {
        synchronized (closed) {
            if (closed.getCount() == 0) {
                return;
            }
            http.stop(1);
            requestThreads.shutdownNow();
            operator.close();
            app.close();
            registry.close();
            log.info("stopped serving on port {}", port());
            closed.countDown();
        }
    }

    private void dispatch(HttpExchange exchange) {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        Response response;
        try {
            response = route(method, path, exchange);
        } catch (ClientError e) {
            response = Response.error(e.status, e.getMessage());
        } catch (Exception e) {
            log.error("{} {} failed", method, path, WithheldMessage.of(e));
            response = Response.error(500, "the server failed to answer " + method + " " + path + ": "
                    + e.getClass().getSimpleName() + " (details in the server's log)");
        }
        try (exchange) {
            send(exchange, response);
        } catch (IOException e) {
            log.debug("{} {}: the client went away before the answer was sent", method, path, e);
        }
    }

    private Response route(String method, String path, HttpExchange exchange) throws Exception {
        List<String> allowed = new ArrayList<>();
        for (Route route : routes) {
            Optional<List<String>> match = route.match(path);
            if (match.isEmpty()) {
                continue;
            }
            if (route.method().equals(method)) {
                return route.handler().handle(new Request(exchange, match.get()));
            }
            allowed.add(route.method());
        }
        if (allowed.isEmpty()) {
            throw new ClientError(404, "no such resource: " + path);
        }
        String allow = allowed.stream().distinct().collect(Collectors.joining(", "));
        exchange.getResponseHeaders().set("Allow", allow);
        throw new ClientError(405, method + " is not allowed on " + path + "; allowed: " + allow);
    }

    private static void send(HttpExchange exchange, Response response) throws IOException {
        var headers = exchange.getResponseHeaders();
        if (response.contentType() != null) {
            headers.set("Content-Type", response.contentType());
        }
        headers.set("Cache-Control", "no-store");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.headers().forEach(headers::set);
        boolean empty = response.body().length == 0;
        exchange.sendResponseHeaders(response.status(), empty ? -1 : response.body().length);
        if (!empty) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response.body());
            }
        }
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /** The Host values a browser on this machine sends for the server; the port left out only when it is HTTP's. */
    private static List<String> hosts(int port) {
        List<String> names = List.of("127.0.0.1", "localhost", "[::1]");
        List<String> hosts = new ArrayList<>(names.stream().map(name -> name + ":" + port).toList());
        if (port == 80) {
            hosts.addAll(names);
        }
        return hosts;
    }
}

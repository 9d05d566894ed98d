package io.dualrepo.sample.serve;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import io.dualrepo.sample.serve.Http.ClientError;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What every request passes before its route sees it: the Host it names must be this server on the loopback
 * interface (so that a site whose name was rebound to 127.0.0.1 is still refused), a state-changing request from a
 * browser must come from this server's own page (Origin), and the operator API needs the operator token.
 *
 * <p>The incidents API, the page's own files and {@code /metrics} need no token: they cannot change where reads
 * come from, and the page must load before it can read its token from its address.
 */
final class RequestGuard {

    static final String OPERATOR_API = "/api/operator/";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    private static final int GENERATED_TOKEN_BYTES = 32;

    private final Set<String> hosts;
    private final byte[] token;

    RequestGuard(int port, String token) {
        // The names a browser on this machine uses for it; the port is left out only when it is HTTP's own.
        List<String> names = List.of("127.0.0.1", "localhost", "[::1]");
        this.hosts = port == 80
                ? Set.of("127.0.0.1", "localhost", "[::1]", "127.0.0.1:80", "localhost:80", "[::1]:80")
                : Set.copyOf(names.stream().map(name -> name + ":" + port).toList());
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    /** A token nobody can guess: 256 random bits, URL-safe so that it can ride in the page's address. */
    static String generateToken() {
        byte[] bytes = new byte[GENERATED_TOKEN_BYTES];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Throws the client error to answer with when the request must not reach its route. */
    void check(HttpExchange exchange, String method, String path) {
        Headers headers = exchange.getRequestHeaders();
        String host = single(headers, "Host");
        if (host == null || !hosts.contains(host.toLowerCase(Locale.ROOT))) {
            throw new ClientError(421, "this server answers only to the names of this machine's loopback"
                    + " interface: " + String.join(", ", hosts.stream().sorted().toList()));
        }
        List<String> origins = headers.get("Origin");
        if (!SAFE_METHODS.contains(method) && origins != null) {
            // Browsers name the page a request comes from; only this server's own page may change anything.
            // Clients that are not browsers send no Origin, and the operator API asks them for the token anyway.
            String own = "http://" + host.toLowerCase(Locale.ROOT);
            if (origins.size() != 1 || !own.equals(origins.get(0).toLowerCase(Locale.ROOT))) {
                throw new ClientError(403, "requests from another site's page are refused");
            }
        }
        // Routes match the raw path exactly, so no other spelling of an operator path reaches an operator route.
        if (path.startsWith(OPERATOR_API) && !authorised(headers)) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"operator\"");
            throw new ClientError(401, "the operator API needs the operator token: open the operator page at the"
                    + " address the server printed when it started (ending in #token=...), or send"
                    + " Authorization: Bearer <token>");
        }
    }

    private boolean authorised(Headers headers) {
        String authorization = single(headers, "Authorization");
        String scheme = "bearer ";
        if (authorization == null || authorization.length() <= scheme.length()
                || !authorization.substring(0, scheme.length()).toLowerCase(Locale.ROOT).equals(scheme)) {
            return false;
        }
        byte[] given = authorization.substring(scheme.length()).strip().getBytes(StandardCharsets.UTF_8);
        // Constant time in the content, so that timing the answers cannot reveal the token a character at a time.
        return MessageDigest.isEqual(token, given);
    }

    private static String single(Headers headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.size() != 1 ? null : values.get(0).strip();
    }
}

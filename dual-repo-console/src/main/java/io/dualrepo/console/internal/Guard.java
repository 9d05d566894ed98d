package io.dualrepo.console.internal;

import io.dualrepo.console.Authenticator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What every request passes before the console acts on it: the Host it names must be one of this console's (so that
 * a site whose name was rebound to this machine's address is still refused), a state-changing request from a browser
 * must come from the console's own page or an origin allowed outright, and the API needs authentication.
 */
public final class Guard {

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    /** The names a browser on this machine uses for it: the default when no hosts are configured. */
    private static final Set<String> LOOPBACK_NAMES = Set.of("127.0.0.1", "localhost", "[::1]");

    private final Set<String> hosts;
    private final Set<String> origins;
    private final Authenticator authenticator;

    /**
     * @param hosts {@code name} or {@code name:port}, lower case; empty: this machine's loopback names, any port
     * @param origins origins allowed besides the page's own ({@code http://} and the Host), lower case
     */
    public Guard(Set<String> hosts, Set<String> origins, Authenticator authenticator) {
        this.hosts = Set.copyOf(hosts);
        this.origins = Set.copyOf(origins);
        this.authenticator = authenticator;
    }

    /** The answer to give instead of serving the request, if any: 421 for a foreign Host, 403 for a foreign Origin. */
    public Optional<Exchange.Reply> checkHostAndOrigin(Exchange.Request request) {
        String host = request.single("host");
        if (host == null || !hostAllowed(host.toLowerCase(Locale.ROOT))) {
            return Optional.of(Exchange.Reply.error(421, "this server answers only to its own names: "
                    + (hosts.isEmpty() ? String.join(", ", LOOPBACK_NAMES.stream().sorted().toList())
                            + " (at its port)" : String.join(", ", hosts.stream().sorted().toList()))));
        }
        List<String> given = request.headers().get("origin");
        if (!SAFE_METHODS.contains(request.method()) && given != null) {
            // Browsers name the page a request comes from; only the console's own page may change anything.
            // Clients that are not browsers send no Origin, and the API asks them for authentication anyway.
            String own = "http://" + host.toLowerCase(Locale.ROOT);
            String origin = given.size() == 1 ? given.get(0).strip().toLowerCase(Locale.ROOT) : null;
            if (origin == null || !(origin.equals(own) || origins.contains(origin))) {
                return Optional.of(Exchange.Reply.error(403, "requests from another site's page are refused"));
            }
        }
        return Optional.empty();
    }

    /** The answer to give when the request may not use the API: 401. */
    public Optional<Exchange.Reply> checkAuthenticated(Exchange.Request request) {
        if (authenticator.allows(request.headers())) {
            return Optional.empty();
        }
        return Optional.of(Exchange.Reply.error(401, "the operator API needs the operator token: open the"
                + " operator page at the address the server printed when it started (ending in #token=...), or send"
                + " Authorization: Bearer <token>").withHeader("WWW-Authenticate", "Bearer realm=\"operator\""));
    }

    private boolean hostAllowed(String host) {
        if (!hosts.isEmpty()) {
            return hosts.contains(host);
        }
        String name = host;
        int colon = host.lastIndexOf(':');
        if (colon > host.lastIndexOf(']')) {
            String port = host.substring(colon + 1);
            if (port.isEmpty() || !port.chars().allMatch(Character::isDigit)) {
                return false;
            }
            name = host.substring(0, colon);
        }
        return LOOPBACK_NAMES.contains(name);
    }
}

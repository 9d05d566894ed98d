package io.dualrepo.spring.console;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@code dualrepo.console.*} properties: the operator console on a port of its own. Off by default, since the
 * console changes where production reads come from. Defaults are written out as literals so that the generated
 * metadata shows them; a test holds them equal to the console's {@code DEFAULT_*}.
 */
public class ConsoleProperties {

    /**
     * Whether to serve the operator console (needs io.dualrepo:dual-repo-console on the class path and a token). It
     * changes where reads come from: enable it only where operators, and only they, can reach its port.
     */
    private boolean enabled = false;

    /** The console's port, apart from the application's own server; 0 picks a free one. */
    private int port = 8081;

    /** The address the console listens on. Default: the loopback interface, so only this machine reaches it. */
    private @Nullable InetAddress address;

    /**
     * The bearer token of the console's API, at least 16 characters; required unless the application defines an
     * io.dualrepo.console.Authenticator bean. Take it from the environment or a secret store, never from a committed
     * file: it is all that stands between a browser and the production routes. Never logged.
     */
    private @Nullable String token;

    /**
     * The Host values the console answers to ("name" or "name:port", as browsers send them), e.g. the name operators
     * reach a non-loopback address by. Default: this machine's loopback names at any port; any other Host gets 421.
     */
    private List<String> allowedHosts = new ArrayList<>();

    /**
     * Origins besides the console's own page whose pages may change things (e.g. https://ops.example); a
     * state-changing request from any other origin gets 403.
     */
    private List<String> allowedOrigins = new ArrayList<>();

    /** The page's heading and title. */
    private String title = "dual-repo operator console";

    /**
     * How long a request may take to arrive, from its first byte to its last; a client that sends half a request is
     * answered 408 and loses its connection.
     */
    private Duration requestTimeout = Duration.ofSeconds(10);

    /** The largest request body taken; larger ones are answered 413 unread. */
    private int maxRequestBytes = 65536;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public @Nullable InetAddress getAddress() {
        return address;
    }

    public void setAddress(@Nullable InetAddress address) {
        this.address = address;
    }

    public @Nullable String getToken() {
        return token;
    }

    public void setToken(@Nullable String token) {
        this.token = token;
    }

    public List<String> getAllowedHosts() {
        return allowedHosts;
    }

    public void setAllowedHosts(List<String> allowedHosts) {
        this.allowedHosts = allowedHosts;
    }

    public List<String> getAllowedOrigins() {
        return allowedOrigins;
    }

    public void setAllowedOrigins(List<String> allowedOrigins) {
        this.allowedOrigins = allowedOrigins;
    }

    public String getTitle() {
        return title;
    }

    public void setTitle(String title) {
        this.title = title;
    }

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public int getMaxRequestBytes() {
        return maxRequestBytes;
    }

    public void setMaxRequestBytes(int maxRequestBytes) {
        this.maxRequestBytes = maxRequestBytes;
    }

    /** Like Object's, but never with the token: properties objects end up in logs and failure reports. */
    @Override
    public String toString() {
        return "ConsoleProperties[enabled=" + enabled + ", port=" + port + ", address=" + address + ", token="
                + (token == null ? "(not set)" : "(set)") + ", allowedHosts=" + allowedHosts + ", allowedOrigins="
                + allowedOrigins + ", title=" + title + ", requestTimeout=" + requestTimeout + ", maxRequestBytes="
                + maxRequestBytes + "]";
    }
}

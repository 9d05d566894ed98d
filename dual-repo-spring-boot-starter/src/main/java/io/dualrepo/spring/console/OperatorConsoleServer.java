package io.dualrepo.spring.console;

import io.dualrepo.DualRepo;
import io.dualrepo.console.ConsoleServer;
import io.dualrepo.console.OperatorConsole;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * The operator console served on a port of its own ({@link ConsoleServer}), started once every singleton of the
 * context exists and stopped when the context closes. The console shows every repository decorated on the runtime
 * at start: the decorators are beans created after the {@link DualRepo}, so their names are known only then.
 */
public final class OperatorConsoleServer implements SmartLifecycle, DisposableBean {

    private final DualRepo dualRepo;
    private final OperatorConsole.Builder console;
    private final InetSocketAddress address;
    private @Nullable OperatorConsole built;
    private volatile @Nullable ConsoleServer server;

    /**
     * @param console configured but for its repositories, which are added at start
     * @param address where to listen; port 0 picks a free one, which {@link #port()} tells once started
     */
    public OperatorConsoleServer(DualRepo dualRepo, OperatorConsole.Builder console, InetSocketAddress address) {
        this.dualRepo = dualRepo;
        this.console = console;
        this.address = address;
    }

    @Override
    public synchronized void start() {
        if (server != null) {
            return;
        }
        OperatorConsole operatorConsole = built;
        if (operatorConsole == null) {
            List<String> names = List.copyOf(new TreeSet<>(dualRepo.decoratedRepositories()));
            if (names.isEmpty()) {
                throw new IllegalStateException("dualrepo.console.enabled=true, but no @DualModel decorator was"
                        + " built on the DualRepo by the time the context started, so the console would show"
                        + " nothing: check that the decorators are registered (dualrepo.decorators.enabled) and not"
                        + " lazy, or set dualrepo.console.enabled=false");
            }
            operatorConsole = console.repositories(names.toArray(String[]::new)).build();
            built = operatorConsole;
        }
        try {
            server = ConsoleServer.start(operatorConsole, address);
        } catch (IOException e) {
            throw new IllegalStateException("The operator console cannot listen on " + address
                    + " (dualrepo.console.address, dualrepo.console.port): " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void stop() {
        ConsoleServer running = server;
        if (running != null) {
            running.close();
            server = null;
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** Also on destruction: a context whose refresh failed after the start destroys its beans without stopping them. */
    @Override
    public void destroy() {
        stop();
    }

    /** The port the console listens on. */
    public int port() {
        return running().port();
    }

    /** The page's address (without the token: open it with {@code #token=<token>} appended). */
    public URI uri() {
        return running().uri();
    }

    private ConsoleServer running() {
        ConsoleServer running = server;
        if (running == null) {
            throw new IllegalStateException("the operator console is not running: it starts with the context");
        }
        return running;
    }
}

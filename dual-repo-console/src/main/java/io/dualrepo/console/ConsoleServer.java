package io.dualrepo.console;

import io.dualrepo.console.internal.Connection;
import io.dualrepo.console.internal.ConsoleHandler;
import io.dualrepo.console.internal.Exchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 server for the console alone, for applications without an HTTP server of their own: a thread per
 * connection, at most {@link #MAX_CONNECTIONS} at once (more are answered 503), each request read under the console's
 * {@linkplain OperatorConsole#requestTimeout() deadline} (408 past it, so a client that sends half a request holds
 * its thread no longer), heads over 16 KiB refused with 431 and bodies over the console's limit with 413, and
 * Nagle's algorithm off so that keep-alive answers never wait for the client's delayed ACK.
 */
public final class ConsoleServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConsoleServer.class);

    public static final int MAX_CONNECTIONS = 64;

    private static final long ACCEPTOR_EXIT_WAIT_MILLIS = 5_000;

    private final OperatorConsole console;
    private final ServerSocket serverSocket;
    private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger threads = new AtomicInteger();

    private final Thread acceptor;
    private volatile boolean closed;

    private ConsoleServer(OperatorConsole console, InetSocketAddress address) throws IOException {
        this.console = console;
        this.serverSocket = new ServerSocket();
        serverSocket.bind(address, 128);
        this.acceptor = new Thread(this::accept, "console-accept-" + serverSocket.getLocalPort());
        // Not a daemon, like the JDK's HttpServer: a program whose main thread only starts the console keeps serving
        // it until close() instead of exiting silently.
        acceptor.setDaemon(false);
        acceptor.start();
        log.info("operator console listening on {}", uri());
    }

    /** Serves the console on this address ({@code port} 0 picks a free one, which {@link #port()} tells). */
    public static ConsoleServer start(OperatorConsole console, InetSocketAddress address) throws IOException {
        return new ConsoleServer(console, address);
    }

    /** Serves the console on the loopback interface. */
    public static ConsoleServer start(OperatorConsole console, int port) throws IOException {
        return start(console, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    /** The page's address. */
    public URI uri() {
        InetAddress address = serverSocket.getInetAddress();
        String host = address.isAnyLocalAddress() || address.isLoopbackAddress() ? "127.0.0.1"
                : address.getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port()
                + console.pathPrefix());
    }

    private void accept() {
        while (!closed) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.warn("the operator console stopped accepting connections", e);
                }
                return;
            }
            try {
                socket.setTcpNoDelay(true);
            } catch (SocketException e) {
                log.debug("could not turn Nagle's algorithm off", e);
            }
            if (!slots.tryAcquire()) {
                busy(socket);
                continue;
            }
            open.add(socket);
            Connection connection = new Connection(socket, console::handle, console.requestTimeout(),
                    console.maxRequestBytes());
            Thread thread = new Thread(() -> {
                try {
                    connection.run();
                } finally {
                    open.remove(socket);
                    slots.release();
                }
            }, "console-connection-" + threads.incrementAndGet());
            thread.setDaemon(true);
            thread.start();
        }
    }

    private static void busy(Socket socket) {
        try (socket) {
            Exchange.Reply reply = ConsoleHandler.withCommonHeaders(Exchange.Reply.error(503,
                    "the console has " + MAX_CONNECTIONS + " connections open; try again shortly"));
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 503 Service Unavailable\r\nContent-Type: " + reply.contentType()
                    + "\r\nContent-Length: " + reply.body().length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(reply.body());
        } catch (IOException e) {
            log.debug("could not tell a client the console is busy", e);
        }
    }

    /** Stops accepting and closes every connection. Safe to repeat. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            serverSocket.close();
        } catch (IOException e) {
            log.debug("closing the console's server socket", e);
        }
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException e) {
                log.debug("closing a console connection", e);
            }
        }
        // A socket closed while a thread is blocked in accept() lets its port go only once that thread has left
        // accept(): wait for it, so that the port is free when close() returns (a restart binds it again at once).
        if (Thread.currentThread() != acceptor) {
            try {
                acceptor.join(ACCEPTOR_EXIT_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        log.info("operator console stopped on port {}", port());
    }
}

package io.dualrepo.spring.console;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * HTTP/1.1 over raw sockets to the console, so that Host and Origin are exactly what a test says (the JDK's client
 * sets Host itself). Each request on a connection of its own, closed by the answer.
 */
public final class ConsoleWire {

    /** An answer: its status and body. */
    public record Reply(int status, String body) {}

    private final int port;

    public ConsoleWire(int port) {
        this.port = port;
    }

    public int port() {
        return port;
    }

    /** The Host a browser on this machine sends. */
    public String ownHost() {
        return "127.0.0.1:" + port;
    }

    /** Sends one request and reads its answer; null origin, token or body leave that part out. */
    public Reply send(String method, String path, String host, String origin, String token, String body)
            throws IOException {
        StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
        if (origin != null) {
            request.append("Origin: ").append(origin).append("\r\n");
        }
        if (token != null) {
            request.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            request.append("Content-Type: application/json\r\nContent-Length: ").append(content.length).append("\r\n");
        }
        request.append("Connection: close\r\n\r\n");
        try (Raw raw = open()) {
            raw.socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.UTF_8));
            raw.socket.getOutputStream().write(content);
            String answer = new String(raw.socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int split = answer.indexOf("\r\n\r\n");
            return new Reply(Integer.parseInt(answer.substring(9, 12)), answer.substring(split + 4));
        }
    }

    /** A connection to write to by hand, e.g. half a request. */
    public Raw open() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(30_000);
        return new Raw(socket);
    }

    /** A raw connection. */
    public static final class Raw implements AutoCloseable {

        private final Socket socket;

        private Raw(Socket socket) {
            this.socket = socket;
        }

        public void write(String text) throws IOException {
            socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
        }

        /** The status of the next answer, waiting at most this long for it. */
        public int readStatus(Duration wait) throws IOException {
            socket.setSoTimeout((int) wait.toMillis());
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
                line.write(b);
            }
            String status = line.toString(StandardCharsets.ISO_8859_1);
            if (status.length() < 12) {
                throw new IOException("closed without an answer; got: " + status);
            }
            return Integer.parseInt(status.substring(9, 12));
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}

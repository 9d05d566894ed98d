package io.dualrepo.console.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of the console's own server: requests read under a deadline each (a client that stops
 * half-way gets 408 and loses its connection, so it cannot hold a thread), answered one after another on the same
 * connection until either side closes it.
 */
public final class Connection implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Connection.class);

    /** A request line and headers longer than this are refused: the console's own requests need a few hundred. */
    public static final int MAX_HEAD_BYTES = 16 * 1024;
    /** How long, and how much, a refused client may go on sending before its connection is closed. */
    private static final Duration LINGER = Duration.ofMillis(500);
    private static final long MAX_LINGER_BYTES = 1024 * 1024;

    private final Socket socket;
    private final Function<Exchange.Request, Exchange.Reply> handler;
    private final long timeoutNanos;
    private final int maxBodyBytes;
    private final byte[] buffer = new byte[8192];
    private int start;
    private int end;
    private boolean http11;

    public Connection(Socket socket, Function<Exchange.Request, Exchange.Reply> handler, Duration requestTimeout,
            int maxBodyBytes) {
        this.socket = socket;
        this.handler = handler;
        this.timeoutNanos = requestTimeout.toNanos();
        this.maxBodyBytes = maxBodyBytes;
    }

    /** A request that cannot be served: answered with this status, and the connection closed. */
    private static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Refusal(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /** The client closed the connection, or stayed silent between requests: nothing to answer. */
    private static final class Gone extends Exception {
        private static final long serialVersionUID = 1L;

        Gone() {
            super(null, null, false, false);
        }
    }

    @Override
    public void run() {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            boolean open = true;
            while (open) {
                long deadline = System.nanoTime() + timeoutNanos;
                Exchange.Request request;
                try {
                    request = read(in, out, deadline);
                } catch (Refusal refusal) {
                    write(out, ConsoleHandler.withCommonHeaders(Exchange.Reply.error(refusal.status,
                            String.valueOf(refusal.getMessage()))), false, false);
                    closeGently(in);
                    return;
                } catch (Gone gone) {
                    return;
                }
                open = keepAlive(request);
                Exchange.Reply reply = handler.apply(request);
                write(out, reply, open, request.method().equals("HEAD"));
            }
        } catch (IOException e) {
            log.debug("console connection from {} ended: {}", socket.getRemoteSocketAddress(), e.toString());
        }
    }

    /**
     * Ends the answer, then reads and drops what the client is still sending for a moment before closing: closing
     * with unread bytes makes the kernel reset the connection, and the client could lose the answer (a 413 above all,
     * sent while the body is still arriving).
     */
    private void closeGently(InputStream in) {
        try {
            socket.shutdownOutput();
            socket.setSoTimeout((int) LINGER.toMillis());
            long until = System.nanoTime() + LINGER.toNanos();
            long dropped = 0;
            while (System.nanoTime() < until && dropped < MAX_LINGER_BYTES) {
                int read = in.read(buffer);
                if (read < 0) {
                    return;
                }
                dropped += read;
            }
        } catch (IOException e) {
            log.debug("closing a refused console connection: {}", e.toString());
        }
    }

    private Exchange.Request read(InputStream in, OutputStream out, long deadline)
            throws IOException, Refusal, Gone {
        String head = readHead(in, deadline);
        String[] lines = head.split("\r\n", -1);
        String[] requestLine = lines[0].split(" ", -1);
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.") || !requestLine[1].startsWith("/")) {
            throw new Refusal(400, "malformed request line");
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t' || line.charAt(colon - 1) == ' ') {
                throw new Refusal(400, "malformed header line");
            }
            headers.computeIfAbsent(line.substring(0, colon).toLowerCase(Locale.ROOT), name -> new ArrayList<>())
                    .add(line.substring(colon + 1).strip());
        }
        String target = requestLine[1];
        int query = target.indexOf('?');
        String path = query < 0 ? target : target.substring(0, query);
        String version = requestLine[2];
        this.http11 = version.equals("HTTP/1.1");
        byte[] body = readBody(in, out, headers, deadline);
        return new Exchange.Request(requestLine[0], path, headers, body);
    }

    private byte[] readBody(InputStream in, OutputStream out, Map<String, List<String>> headers, long deadline)
            throws IOException, Refusal {
        if (headers.containsKey("transfer-encoding")) {
            throw new Refusal(411, "send the body with a Content-Length");
        }
        List<String> lengths = headers.get("content-length");
        if (lengths == null) {
            return new byte[0];
        }
        long length;
        try {
            length = lengths.size() == 1 ? Long.parseLong(lengths.get(0)) : -1;
        } catch (NumberFormatException e) {
            length = -1;
        }
        if (length < 0) {
            throw new Refusal(400, "malformed Content-Length");
        }
        if (length > maxBodyBytes) {
            throw new Refusal(413, "request body over " + maxBodyBytes + " bytes");
        }
        List<String> expect = headers.get("expect");
        if (expect != null && expect.stream().anyMatch(value -> value.equalsIgnoreCase("100-continue"))) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        byte[] body = new byte[(int) length];
        int filled = 0;
        while (filled < body.length) {
            if (start == end && fill(in, deadline) < 0) {
                throw new Refusal(400, "the connection closed before the body's end");
            }
            int n = Math.min(end - start, body.length - filled);
            System.arraycopy(buffer, start, body, filled, n);
            start += n;
            filled += n;
        }
        return body;
    }

    private String readHead(InputStream in, long deadline) throws IOException, Refusal, Gone {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        boolean any = false;
        while (true) {
            if (start == end) {
                int read;
                try {
                    read = fill(in, deadline);
                } catch (Refusal timeout) {
                    if (!any) {
                        // Silent since its last answer: an idle keep-alive connection, closed without a word.
                        throw new Gone();
                    }
                    throw timeout;
                }
                if (read < 0) {
                    throw new Gone();
                }
            }
            byte b = buffer[start++];
            // Blank lines before a request are allowed (RFC 9112, 2.2).
            if (!any && (b == '\r' || b == '\n')) {
                continue;
            }
            any = true;
            head.write(b);
            if (head.size() > MAX_HEAD_BYTES) {
                throw new Refusal(431, "request line and headers over " + MAX_HEAD_BYTES + " bytes");
            }
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
            if (matched == 4) {
                String text = head.toString(StandardCharsets.ISO_8859_1);
                return text.substring(0, text.length() - 4);
            }
        }
    }

    /** Reads what has arrived, waiting no later than the deadline; -1 at the end of the stream. */
    private int fill(InputStream in, long deadline) throws IOException, Refusal {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            throw timeout();
        }
        socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, Duration.ofNanos(remaining).toMillis())));
        try {
            int read = in.read(buffer, 0, buffer.length);
            start = 0;
            end = Math.max(read, 0);
            return read;
        } catch (SocketTimeoutException e) {
            throw timeout();
        }
    }

    private Refusal timeout() {
        return new Refusal(408, "the request did not arrive within " + Duration.ofNanos(timeoutNanos).toMillis()
                + " ms");
    }

    private boolean keepAlive(Exchange.Request request) {
        String connection = request.single("connection");
        if (connection != null && connection.equalsIgnoreCase("close")) {
            return false;
        }
        return http11 || connection != null && connection.equalsIgnoreCase("keep-alive");
    }

    private static void write(OutputStream out, Exchange.Reply reply, boolean keepAlive, boolean headOnly)
            throws IOException {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(reply.status()).append(' ')
                .append(reason(reply.status())).append("\r\n");
        if (reply.contentType() != null) {
            head.append("Content-Type: ").append(reply.contentType()).append("\r\n");
        }
        reply.headers().forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("Content-Length: ").append(reply.body().length).append("\r\n");
        head.append("Connection: ").append(keepAlive ? "keep-alive" : "close").append("\r\n\r\n");
        // Head and body go out as two writes, as a streamed answer would: with Nagle's algorithm on, the second
        // would wait for the client's delayed ACK (40 ms on Linux). The server turns it off on every connection.
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        if (!headOnly && reply.body().length > 0) {
            out.write(reply.body());
            out.flush();
        }
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 308 -> "Permanent Redirect";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 421 -> "Misdirected Request";
            case 431 -> "Request Header Fields Too Large";
            case 503 -> "Service Unavailable";
            default -> status < 500 ? "Client Error" : "Server Error";
        };
    }
}

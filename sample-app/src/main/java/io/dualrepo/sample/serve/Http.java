package io.dualrepo.sample.serve;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** The little HTTP the server needs on top of the JDK's: routes, JSON bodies and answers, client errors. */
final class Http {

    static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    /** Larger bodies are refused unread: every body this API takes is a few fields. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    private Http() {}

    /** A request the client got wrong: answered with its status and message as JSON, and not logged as a failure. */
    static final class ClientError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        ClientError(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        @Override
        public String getMessage() {
            // The constructor's, never null.
            return Objects.requireNonNull(super.getMessage());
        }
    }

    static ClientError badRequest(String message) {
        return new ClientError(400, message);
    }

    static ClientError notFound(String message) {
        return new ClientError(404, message);
    }

    /** An answer: status, content type and body (empty for 204). */
    record Response(int status, @Nullable String contentType, byte[] body, Map<String, String> headers) {

        static Response json(int status, Object body) {
            return new Response(status, "application/json; charset=utf-8",
                    GSON.toJson(body).getBytes(StandardCharsets.UTF_8), Map.of());
        }

        static Response ok(Object body) {
            return json(200, body);
        }

        static Response created(String location, Object body) {
            Response json = json(201, body);
            return new Response(201, json.contentType, json.body, Map.of("Location", location));
        }

        static Response noContent() {
            return new Response(204, null, new byte[0], Map.of());
        }

        static Response error(int status, String message) {
            return json(status, Map.of("error", message));
        }

        static Response text(String contentType, String body) {
            return new Response(200, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
        }
    }

    /** One request, with the decoded path segments its route captured. */
    record Request(HttpExchange exchange, List<String> pathParameters) {

        String path(int index) {
            return pathParameters.get(index);
        }

        /**
         * The body as a JSON object. Bodies must be declared JSON: a browser sends that content type across sites
         * only after a preflight, which this server never grants, so another site's page cannot drive this API.
         */
        JsonObject body() throws IOException {
            requireJsonContentType();
            byte[] bytes;
            try (InputStream in = exchange.getRequestBody()) {
                bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            }
            if (bytes.length > MAX_BODY_BYTES) {
                throw new ClientError(413, "request body over " + MAX_BODY_BYTES + " bytes");
            }
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (text.isBlank()) {
                return new JsonObject();
            }
            JsonElement element;
            try {
                element = JsonParser.parseString(text);
            } catch (JsonParseException e) {
                throw badRequest("request body is not valid JSON: " + rootMessage(e));
            }
            if (!element.isJsonObject()) {
                throw badRequest("request body must be a JSON object, like {\"status\": \"fixing\"}");
            }
            return element.getAsJsonObject();
        }

        private void requireJsonContentType() {
            String type = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Type")).orElse("");
            if (!type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
                throw new ClientError(415, "send the request with Content-Type: application/json"
                        + (type.isEmpty() ? "" : " (it was " + type + ")"));
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return String.valueOf(cause.getMessage());
    }

    /** A string field, required. */
    static String requiredString(JsonObject body, String field) {
        return optionalString(body, field).orElseThrow(() -> badRequest("field '" + field + "' is required"));
    }

    static Optional<String> optionalString(JsonObject body, String field) {
        JsonElement value = body.get(field);
        if (value == null || value.isJsonNull()) {
            return Optional.empty();
        }
        if (!(value.isJsonPrimitive() && ((JsonPrimitive) value).isString())) {
            throw badRequest("field '" + field + "' must be a string, was " + value);
        }
        return Optional.of(value.getAsString());
    }

    /** A method and a path pattern, whose groups are path segments handed to the handler decoded. */
    record Route(String method, Pattern path, Handler handler) {

        static Route of(String method, String regex, Handler handler) {
            return new Route(method, Pattern.compile(regex), handler);
        }

        Optional<List<String>> match(String rawPath) {
            Matcher matcher = path.matcher(rawPath);
            if (!matcher.matches()) {
                return Optional.empty();
            }
            List<String> segments = new ArrayList<>();
            for (int group = 1; group <= matcher.groupCount(); group++) {
                segments.add(decodeSegment(matcher.group(group)));
            }
            return Optional.of(segments);
        }
    }

    @FunctionalInterface
    interface Handler {
        Response handle(Request request) throws Exception;
    }

    // Segments are matched undecoded, so that an escaped slash in an id cannot change which route matches.
    private static String decodeSegment(String raw) {
        try {
            // URLDecoder decodes form encoding, where '+' is a space; in a path it is a plus.
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw badRequest("malformed escape in path segment '" + raw + "'");
        }
    }
}

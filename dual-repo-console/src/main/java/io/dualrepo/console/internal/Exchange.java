package io.dualrepo.console.internal;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A request as the console sees it, whatever server read it, and its answer. */
public final class Exchange {

    private Exchange() {}

    /**
     * @param rawPath the path undecoded, without its query
     * @param headers names in lower case
     */
    public record Request(String method, String rawPath, Map<String, List<String>> headers, byte[] body) {

        /** The header's one value, stripped; null when absent or given more than once. */
        public @Nullable String single(String name) {
            List<String> values = headers.get(name);
            return values == null || values.size() != 1 ? null : values.get(0).strip();
        }
    }

    /** An answer: status, content type (null for none) and body, and headers of its own. */
    public record Reply(int status, @Nullable String contentType, byte[] body, Map<String, String> headers) {

        public static Reply json(int status, Object body) {
            return new Reply(status, "application/json; charset=utf-8",
                    Json.write(body).getBytes(StandardCharsets.UTF_8), Map.of());
        }

        public static Reply error(int status, String message) {
            return json(status, Map.of("error", message));
        }

        public static Reply text(String contentType, String body) {
            return new Reply(200, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
        }

        public Reply withHeader(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Reply(status, contentType, body, Map.copyOf(more));
        }
    }
}

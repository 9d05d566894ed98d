package io.dualrepo.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Decides whether a request may use the console's API (reading the state and changing anything): a bearer token by
 * default ({@link #bearerToken}), or whatever the host application uses, e.g. a session cookie its own login set.
 * The page's files need no authentication: the page must load before it can read its token from its address.
 */
@FunctionalInterface
public interface Authenticator {

    /** The shortest token {@link #bearerToken} accepts. */
    int MIN_TOKEN_LENGTH = 16;

    /**
     * Whether the request is allowed.
     *
     * @param headers the request's headers, names in lower case
     */
    boolean allows(Map<String, List<String>> headers);

    /**
     * {@code Authorization: Bearer <token>}, compared in constant time so that timing the answers cannot reveal the
     * token a character at a time.
     */
    static Authenticator bearerToken(String token) {
        Objects.requireNonNull(token, "token");
        // The token is all that stands between a browser on the operator's network and the production routes.
        if (token.strip().length() < MIN_TOKEN_LENGTH) {
            throw new IllegalArgumentException("the console's token must have at least " + MIN_TOKEN_LENGTH
                    + " characters (Authenticator.randomToken() makes one)");
        }
        byte[] expected = token.getBytes(StandardCharsets.UTF_8);
        return headers -> {
            List<String> values = headers.get("authorization");
            if (values == null || values.size() != 1) {
                return false;
            }
            String authorization = values.get(0).strip();
            String scheme = "bearer ";
            if (authorization.length() <= scheme.length()
                    || !authorization.substring(0, scheme.length()).toLowerCase(Locale.ROOT).equals(scheme)) {
                return false;
            }
            byte[] given = authorization.substring(scheme.length()).strip().getBytes(StandardCharsets.UTF_8);
            return MessageDigest.isEqual(expected, given);
        };
    }

    /** A token nobody can guess: 256 random bits, URL-safe so that it can ride in the page's address. */
    static String randomToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}

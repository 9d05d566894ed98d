package io.dualrepo.flags.it;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The few calls of Unleash's Admin API the suite needs, on project {@code default}, environment {@code
 * development}: create a flag, turn it on or off, give it a gradual rollout, give its rollout a variant, archive
 * it. Every call that does not succeed throws, with the server's answer. Public, in this module's test jar, for the
 * sample app's suite against the same server.
 */
public final class UnleashAdmin {

    private static final Logger log = LoggerFactory.getLogger(UnleashAdmin.class);
    private static final String FEATURES = "/api/admin/projects/default/features";
    private static final String ENVIRONMENT = "development";

    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> created = new ArrayList<>();

    public UnleashAdmin(UnleashServer server) {
        this.base = server.url();
        this.token = server.adminToken();
    }

    /** Creates a release flag, off in every environment. */
    public void create(String flag) {
        JsonObject body = new JsonObject();
        body.addProperty("name", flag);
        body.addProperty("type", "release");
        body.addProperty("description", "dual-repo integration suite");
        send("POST", FEATURES, body);
        created.add(flag);
    }

    /**
     * Turns a flag on. A flag without a strategy gets Unleash's default one when turned on: a flexible rollout to
     * 100 %.
     */
    public void on(String flag) {
        send("POST", environment(flag) + "/on", null);
    }

    public void off(String flag) {
        send("POST", environment(flag) + "/off", null);
    }

    /** Creates and turns on a flag: on for every key. */
    public void createOn(String flag) {
        create(flag);
        on(flag);
    }

    /**
     * Makes the flag's flexible rollout {@code percent} % with stickiness {@code default} (the context's userId,
     * which the route source sets from the routing key), and with {@code variant} as its only variant if not null.
     * Updates the flag's first flexible rollout, or adds one.
     */
    public void rollout(String flag, int percent, String variant) {
        JsonObject strategy = new JsonObject();
        strategy.addProperty("name", "flexibleRollout");
        strategy.add("constraints", new JsonArray());
        JsonObject parameters = new JsonObject();
        parameters.addProperty("rollout", Integer.toString(percent));
        parameters.addProperty("stickiness", "default");
        parameters.addProperty("groupId", flag);
        strategy.add("parameters", parameters);
        JsonArray variants = new JsonArray();
        if (variant != null) {
            // Variants live on the strategy: Unleash 7 refuses environment-level variants on new flags.
            JsonObject only = new JsonObject();
            only.addProperty("name", variant);
            only.addProperty("weight", 1000);
            only.addProperty("weightType", "variable");
            only.addProperty("stickiness", "default");
            variants.add(only);
        }
        strategy.add("variants", variants);
        String existing = null;
        for (JsonElement element : JsonParser.parseString(send("GET", environment(flag) + "/strategies", null))
                .getAsJsonArray()) {
            JsonObject candidate = element.getAsJsonObject();
            if ("flexibleRollout".equals(candidate.get("name").getAsString())) {
                existing = candidate.get("id").getAsString();
                break;
            }
        }
        if (existing == null) {
            send("POST", environment(flag) + "/strategies", strategy);
        } else {
            send("PUT", environment(flag) + "/strategies/" + existing, strategy);
        }
    }

    /** Archives every flag this client created; reruns use new names, so this only keeps the database tidy. */
    public void archiveCreated() {
        for (String flag : created) {
            try {
                send("DELETE", FEATURES + "/" + encode(flag), null);
            } catch (RuntimeException e) {
                log.warn("could not archive flag {}: {}", flag, e.getMessage());
            }
        }
        created.clear();
    }

    private String environment(String flag) {
        return FEATURES + "/" + encode(flag) + "/environments/" + ENVIRONMENT;
    }

    private static String encode(String flag) {
        return URLEncoder.encode(flag, StandardCharsets.UTF_8);
    }

    private String send(String method, String path, JsonObject body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", token)
                .header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + method + " " + path, e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        log.debug("{} {} -> {}", method, path, response.statusCode());
        return response.body();
    }
}

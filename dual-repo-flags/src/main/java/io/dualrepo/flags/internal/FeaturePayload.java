package io.dualrepo.flags.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads Unleash's client feature payload (what {@code /api/client/features} and bootstrap files hold). The SDK
 * evaluates flags but does not expose a rollout's percentage, which is the comparison's sample ratio and what
 * route-change log lines report.
 */
public final class FeaturePayload {

    private FeaturePayload() {}

    /** Every feature in the payload by name. Throws {@link IllegalArgumentException} when it is not a payload. */
    public static Map<String, FlagState> parse(String json) {
        JsonElement root;
        try {
            root = JsonParser.parseString(json);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not an Unleash feature payload: " + e.getMessage(), e);
        }
        if (!root.isJsonObject() || !root.getAsJsonObject().has("features")
                || !root.getAsJsonObject().get("features").isJsonArray()) {
            throw new IllegalArgumentException("not an Unleash feature payload: no \"features\" array");
        }
        Map<String, FlagState> flags = new HashMap<>();
        for (JsonElement element : root.getAsJsonObject().getAsJsonArray("features")) {
            if (!element.isJsonObject()) {
                continue;
            }
            JsonObject feature = element.getAsJsonObject();
            String name = string(feature, "name");
            if (name == null) {
                continue;
            }
            boolean enabled = !feature.has("enabled") || feature.get("enabled").getAsBoolean();
            double percent = enabled ? percentOn(feature.get("strategies")) : 0;
            List<String> variants = new ArrayList<>(variantNames(feature.get("variants")));
            // Unleash 5 and later keep variants on strategies; older servers on the feature.
            JsonElement strategies = feature.get("strategies");
            if (strategies != null && strategies.isJsonArray()) {
                for (JsonElement strategy : strategies.getAsJsonArray()) {
                    if (strategy.isJsonObject()) {
                        for (String variant : variantNames(strategy.getAsJsonObject().get("variants"))) {
                            if (!variants.contains(variant)) {
                                variants.add(variant);
                            }
                        }
                    }
                }
            }
            flags.put(name, new FlagState(true, percent, List.copyOf(variants)));
        }
        return flags;
    }

    // An enabled flag is on for a key when any of its strategies is; the widest rollout bounds the share.
    private static double percentOn(JsonElement strategies) {
        if (strategies == null || !strategies.isJsonArray() || strategies.getAsJsonArray().isEmpty()) {
            return 100;
        }
        double widest = 0;
        for (JsonElement element : strategies.getAsJsonArray()) {
            if (element.isJsonObject()) {
                widest = Math.max(widest, strategyPercent(element.getAsJsonObject()));
            }
        }
        return widest;
    }

    private static double strategyPercent(JsonObject strategy) {
        String name = string(strategy, "name");
        JsonObject parameters = strategy.has("parameters") && strategy.get("parameters").isJsonObject()
                ? strategy.getAsJsonObject("parameters") : new JsonObject();
        if ("flexibleRollout".equals(name)) {
            return number(parameters, "rollout");
        }
        if (name != null && name.startsWith("gradualRollout")) {
            return number(parameters, "percentage");
        }
        // "default" and strategies that target by list or constraint: on for the keys they name.
        return 100;
    }

    private static List<String> variantNames(JsonElement variants) {
        List<String> names = new ArrayList<>();
        if (variants != null && variants.isJsonArray()) {
            JsonArray array = variants.getAsJsonArray();
            for (JsonElement element : array) {
                if (element.isJsonObject()) {
                    String name = string(element.getAsJsonObject(), "name");
                    if (name != null) {
                        names.add(name);
                    }
                }
            }
        }
        return List.copyOf(names);
    }

    private static @Nullable String string(JsonObject object, String member) {
        JsonElement value = object.get(member);
        return value == null || value.isJsonNull() ? null : value.getAsString();
    }

    private static double number(JsonObject object, String member) {
        String value = string(object, member);
        if (value == null) {
            return 100;
        }
        try {
            return Math.max(0, Math.min(100, Double.parseDouble(value.trim())));
        } catch (NumberFormatException e) {
            return 100;
        }
    }
}

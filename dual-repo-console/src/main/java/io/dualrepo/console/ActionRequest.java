package io.dualrepo.console;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** A posted action: its name and its JSON object body, with readers that answer 400 saying what is wrong. */
public final class ActionRequest {

    private final String name;
    private final Map<String, Object> body;

    /** For the console and tests of actions; {@code body} as {@code io.dualrepo.console} parses it. */
    public ActionRequest(String name, Map<String, Object> body) {
        this.name = name;
        this.body = body.entrySet().stream().filter(field -> field.getValue() != null)
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    public String name() {
        return name;
    }

    /** The body's fields (JSON nulls left out): strings, {@link BigDecimal}s, booleans, lists and maps. */
    public Map<String, Object> body() {
        return body;
    }

    public String requiredString(String field) {
        return optionalString(field).orElseThrow(() -> ConsoleException.badRequest("field '" + field
                + "' is required"));
    }

    public Optional<String> optionalString(String field) {
        Object value = body.get(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String text)) {
            throw ConsoleException.badRequest("field '" + field + "' must be a string, was " + value);
        }
        return Optional.of(text);
    }

    public boolean requiredBoolean(String field) {
        return optionalBoolean(field).orElseThrow(() -> ConsoleException.badRequest("field '" + field
                + "' is required (true or false)"));
    }

    public Optional<Boolean> optionalBoolean(String field) {
        Object value = body.get(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof Boolean flag)) {
            throw ConsoleException.badRequest("field '" + field + "' must be true or false, was " + value);
        }
        return Optional.of(flag);
    }

    public Optional<Double> optionalNumber(String field) {
        Object value = body.get(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof BigDecimal number)) {
            throw ConsoleException.badRequest("field '" + field + "' must be a number, was " + value);
        }
        return Optional.of(number.doubleValue());
    }
}

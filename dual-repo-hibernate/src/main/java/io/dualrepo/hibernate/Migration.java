package io.dualrepo.hibernate;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One migration as the backfill, the verifier and the repair work on it: its name (the {@code @DualModel} name,
 * which tags metrics and names checkpoints), how its keys are written, and its two models.
 */
public record Migration<K extends Comparable<? super K>, V>(
        String name, KeyType<K> keyType, KeyedModel<K, V> oldModel, KeyedModel<K, V> newModel) {

    private static final Pattern VALID_NAME = Pattern.compile("[a-z][a-z0-9_-]*");

    public Migration {
        Objects.requireNonNull(name, "name");
        if (!VALID_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("migration name '" + name
                    + "' is not valid: use lower-case letters, digits, '-' and '_', starting with a letter");
        }
        Objects.requireNonNull(keyType, "keyType");
        Objects.requireNonNull(oldModel, "oldModel");
        Objects.requireNonNull(newModel, "newModel");
    }

    public static <K extends Comparable<? super K>, V> Migration<K, V> of(
            String name, KeyType<K> keyType, KeyedModel<K, V> oldModel, KeyedModel<K, V> newModel) {
        return new Migration<>(name, keyType, oldModel, newModel);
    }

    public KeyedModel<K, V> model(io.dualrepo.Side side) {
        return side == io.dualrepo.Side.OLD ? oldModel : newModel;
    }
}

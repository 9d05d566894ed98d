package io.dualrepo.hibernate.durable;

import io.dualrepo.Side;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.Transactions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.hibernate.Session;
import org.jspecify.annotations.Nullable;

/** A migration whose writes are recorded, with how to name their keys. */
final class Registration<K extends Comparable<? super K>> {

    final Migration<K, ?> migration;
    private final WriteKeys<K> keys;

    private Registration(Migration<K, ?> migration, WriteKeys<K> keys) {
        this.migration = Objects.requireNonNull(migration, "migration");
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    static <K extends Comparable<? super K>> Registration<K> of(Migration<K, ?> migration, WriteKeys<K> keys) {
        return new Registration<>(migration, keys);
    }

    String repository() {
        return migration.name();
    }

    Transactions transactions(Side side) {
        return migration.model(side).transactions();
    }

    /** The write's keys as the table holds them; fails with the repository and method named. */
    List<String> encodedKeys(String method, List<Object> arguments) {
        Collection<K> touched;
        try {
            touched = keys.keysOf(method, arguments);
        } catch (RuntimeException e) {
            throw new IllegalStateException(repository() + "." + method + ": cannot name the keys of this write, so"
                    + " it could not be repaired; the primary's write is rolled back: " + e.getMessage(), e);
        }
        if (touched == null) {
            throw new IllegalStateException(repository() + "." + method + ": WriteKeys returned null; return an"
                    + " empty collection for a write that touches no key");
        }
        List<String> encoded = new ArrayList<>(touched.size());
        for (K key : touched) {
            if (key == null) {
                throw new IllegalStateException(repository() + "." + method + ": WriteKeys returned a null key");
            }
            String text = migration.keyType().encode(key);
            if (text.length() > PendingSyncTable.MAX_KEY_LENGTH) {
                throw new IllegalStateException(repository() + "." + method + ": key longer than "
                        + PendingSyncTable.MAX_KEY_LENGTH + " characters cannot be recorded");
            }
            encoded.add(text);
        }
        return encoded;
    }

    /**
     * The keys of values a model answered, as the table holds them; null when they are not this migration's values
     * (the read answers another type than the models hold), or a key is too long to record.
     */
    @Nullable List<String> encodedKeysOfValues(List<?> values) {
        return keysOfValues(migration, values);
    }

    @SuppressWarnings("unchecked")
    private static <K extends Comparable<? super K>, V> @Nullable List<String> keysOfValues(
            Migration<K, V> migration, List<?> values) {
        List<String> encoded = new ArrayList<>(values.size());
        for (Object value : values) {
            K key;
            try {
                // Unchecked: a value of another type fails in keyOf's bridge method, not here.
                key = migration.oldModel().keyOf((V) value);
            } catch (ClassCastException notThisMigrationsValue) {
                return null;
            }
            String text = migration.keyType().encode(key);
            if (text.length() > PendingSyncTable.MAX_KEY_LENGTH) {
                return null;
            }
            encoded.add(text);
        }
        return encoded;
    }

    /** Of these encoded keys, the ones the side's model holds, read in a session of that model's transaction. */
    Set<String> present(Side side, Session session, List<String> encoded) {
        if (encoded.isEmpty()) {
            return Set.of();
        }
        List<K> decoded = new ArrayList<>(encoded.size());
        for (String key : encoded) {
            decoded.add(migration.keyType().decode(key));
        }
        Set<String> held = new HashSet<>();
        for (K key : migration.model(side).present(session, decoded)) {
            held.add(migration.keyType().encode(key));
        }
        return held;
    }

    /** By repository name, refusing two migrations of one name. */
    static Map<String, Registration<?>> byName(Collection<Registration<?>> registrations) {
        Map<String, Registration<?>> byName = new LinkedHashMap<>();
        for (Registration<?> registration : registrations) {
            if (byName.putIfAbsent(registration.repository(), registration) != null) {
                throw new IllegalArgumentException("migration '" + registration.repository() + "' is registered twice");
            }
        }
        if (byName.isEmpty()) {
            throw new IllegalArgumentException("no migration registered: add one with .migration(...)");
        }
        return Map.copyOf(byName);
    }
}

package io.dualrepo.hibernate.verify;

import io.dualrepo.Side;
import io.dualrepo.hibernate.KeyType;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.Transactions;
import io.dualrepo.hibernate.internal.QuarantineStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.hibernate.SessionFactory;

/**
 * The quarantine as a verification sees it: which of the keys it found disagreeing a model rejected (the backfill's
 * or the repair's record, in either model's database), so that they are reported as quarantined rather than as
 * unexplained differences.
 */
final class QuarantinedKeys<K extends Comparable<? super K>> {

    private final String repository;
    private final KeyType<K> keyType;
    private final Map<Side, SessionFactory> databases;
    /** The databases that hold a quarantine table, each once. */
    private final List<SessionFactory> tables = new ArrayList<>();

    QuarantinedKeys(Migration<K, ?> migration) {
        this.repository = migration.name();
        this.keyType = migration.keyType();
        this.databases = Map.of(Side.OLD, migration.oldModel().transactions().sessionFactory(),
                Side.NEW, migration.newModel().transactions().sessionFactory());
        Map<SessionFactory, Boolean> seen = new IdentityHashMap<>();
        for (Side side : Side.values()) {
            SessionFactory database = Objects.requireNonNull(databases.get(side), "both sides are in the map");
            if (seen.put(database, Boolean.TRUE) == null
                    && Transactions.of(database).read(QuarantineStore::tableExists)) {
                tables.add(database);
            }
        }
    }

    /** Of these keys, those in a quarantine. */
    Set<K> among(Collection<K> keys) {
        Set<K> found = new HashSet<>();
        if (tables.isEmpty() || keys.isEmpty()) {
            return found;
        }
        List<String> encoded = keys.stream().map(keyType::encode).toList();
        for (SessionFactory database : tables) {
            Set<String> here = Transactions.of(database)
                    .read(session -> QuarantineStore.among(session, repository, encoded));
            for (K key : keys) {
                if (here.contains(keyType.encode(key))) {
                    found.add(key);
                }
            }
        }
        return found;
    }

    /** A key the repair made {@code target} hold the source's value at: no longer one it rejects. */
    void release(K key, Side target) {
        SessionFactory database = Objects.requireNonNull(databases.get(target), "both sides are in the map");
        if (tables.stream().anyMatch(table -> table == database)) {
            Transactions.of(database).runInTransaction(session -> {
                QuarantineStore.remove(session, repository, target, keyType.encode(key));
            });
        }
    }
}

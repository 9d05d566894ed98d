package io.dualrepo.hibernate.internal;

import io.dualrepo.hibernate.EntityModel.Conversion;
import io.dualrepo.hibernate.KeyedModel;
import io.dualrepo.hibernate.Transactions;
import io.dualrepo.hibernate.internal.EntityTable.Column;
import io.dualrepo.hibernate.internal.TableRows.Condition;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.hibernate.Session;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.jspecify.annotations.Nullable;

/**
 * A {@link KeyedModel} whose queries and writes come from an entity's mapping ({@link EntityTable}); the user gives
 * only the conversions between the entity and the migration's value. Reads are keyset pages of one query each;
 * the backfill's write is one multi-row insert per batch on a table of its own, and a JDBC batch of conditional
 * updates ("only where this model's columns are still unset") on a shared table.
 *
 * @param <E> the entity
 */
public final class MappedModel<E, K extends Comparable<? super K>, V> implements KeyedModel<K, V> {

    /** Up to this many keys, {@link #present} asks with an {@code in} list; beyond, with the keys' range if dense. */
    private static final int MAX_IN_LIST = 64;
    private static final int DENSE_SPAN = 4;
    private static final int MAX_FIND_IN_LIST = 100;

    private final Transactions transactions;
    private final EntityTable table;
    private final TableRows rows;
    private final Function<V, K> keyOf;
    private final Conversion<E, V> toValue;
    private final @Nullable Conversion<V, E> toEntity;
    private final boolean rangeLookups;

    /** @param toEntity none for a read-only model (the source side of a one-way migration) */
    public MappedModel(Transactions transactions, EntityTable table, Function<V, K> keyOf, Conversion<E, V> toValue,
            @Nullable Conversion<V, E> toEntity) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.table = Objects.requireNonNull(table, "table");
        this.rows = new TableRows(table);
        this.keyOf = Objects.requireNonNull(keyOf, "keyOf");
        this.toValue = Objects.requireNonNull(toValue, "toValue");
        this.toEntity = toEntity;
        // A range compared under another collation than the key column's cannot use its index (text keys on
        // PostgreSQL, compared collate "C"): there an in list, which can, is the cheaper lookup.
        this.rangeLookups = table.orderedKey().equals(table.id().name());
    }

    @Override
    public Transactions transactions() {
        return transactions;
    }

    @Override
    public K keyOf(V value) {
        return keyOf.apply(value);
    }

    @Override
    public List<V> page(Session session, @Nullable K after, int limit) {
        Condition present = rows.present();
        String where = (after == null ? "" : table.orderedKey() + " > ?") + present.and();
        if (where.startsWith(" and ")) {
            where = where.substring(5);
        }
        String sql = rows.selectColumns() + (where.isEmpty() ? "" : " where " + where)
                + " order by " + table.orderedKey() + " fetch first " + limit + " rows only";
        List<E> entities = query(session, sql, (statement, s) -> {
            int index = 1;
            if (after != null) {
                rows.bindKey(statement, index++, after, s);
            }
            rows.bind(statement, index, present, s);
        });
        List<V> values = new ArrayList<>(entities.size());
        for (E entity : entities) {
            values.add(toValue.convert(session, entity));
        }
        return values;
    }

    @Override
    public Optional<V> find(Session session, K key) {
        Condition present = rows.present();
        String sql = rows.selectColumns() + " where " + table.id().name() + " = ?" + present.and();
        List<E> found = query(session, sql, (statement, s) -> {
            rows.bindKey(statement, 1, key, s);
            rows.bind(statement, 2, present, s);
        });
        return found.isEmpty() ? Optional.empty() : Optional.of(toValue.convert(session, found.get(0)));
    }

    @Override
    public Map<K, V> findAll(Session session, Collection<K> keys) {
        Map<K, V> found = new LinkedHashMap<>();
        List<K> distinct = List.copyOf(new LinkedHashSet<>(keys));
        Condition present = rows.present();
        if (rows.keysAsArray() && !distinct.isEmpty()) {
            // One array parameter on PostgreSQL: one statement for the keys, where in lists take one per chunk.
            String sql = rows.selectColumns() + " where " + rows.keyInArray() + present.and();
            SharedSessionContractImplementor s = implementor(session);
            List<E> entities = session.doReturningWork(connection -> {
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    rows.bindKeyArray(connection, statement, 1, distinct, s);
                    rows.bind(statement, 2, present, s);
                    return readEntities(statement, s);
                }
            });
            for (E entity : entities) {
                V value = toValue.convert(session, entity);
                found.put(keyOf.apply(value), value);
            }
            return found;
        }
        // In lists of a bounded length, so that the statement stays one the database caches and plans once.
        for (int from = 0; from < distinct.size(); from += MAX_FIND_IN_LIST) {
            List<K> chunk = distinct.subList(from, Math.min(distinct.size(), from + MAX_FIND_IN_LIST));
            String sql = rows.selectColumns() + " where " + table.id().name() + " in ("
                    + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")" + present.and();
            List<E> entities = query(session, sql, (statement, s) -> {
                int index = 1;
                for (K key : chunk) {
                    rows.bindKey(statement, index++, key, s);
                }
                rows.bind(statement, index, present, s);
            });
            for (E entity : entities) {
                V value = toValue.convert(session, entity);
                found.put(keyOf.apply(value), value);
            }
        }
        return found;
    }

    @Override
    public Set<K> present(Session session, Collection<K> keys) {
        return keysHeld(session, keys, rows.present());
    }

    @Override
    public int insertAbsent(Session session, List<V> values) {
        if (values.isEmpty()) {
            return 0;
        }
        Map<K, E> entities = entities(session, values);
        if (!table.sameTable()) {
            Set<K> held = present(session, entities.keySet());
            List<E> absent = new ArrayList<>();
            entities.forEach((key, entity) -> {
                if (!held.contains(key)) {
                    absent.add(entity);
                }
            });
            return insert(session, absent);
        }
        // A shared row is filled only where this model's columns are still unset: never over a dual write, and
        // never a row deleted since the page was read (the update then finds nothing). A key without a row at all
        // is inserted, as on a table of its own.
        Set<K> rowsThere = keysHeld(session, entities.keySet(), Condition.NONE);
        List<E> fill = new ArrayList<>();
        List<E> absent = new ArrayList<>();
        entities.forEach((key, entity) -> (rowsThere.contains(key) ? fill : absent).add(entity));
        return update(session, table.own(), rows.absent(), fill) + insert(session, absent);
    }

    @Override
    public void put(Session session, V value) {
        E entity = writable().convert(session, value);
        if (update(session, table.columns(), Condition.NONE, List.of(entity)) == 0) {
            insert(session, List.of(entity));
        }
    }

    @Override
    public void putAll(Session session, List<V> values) {
        if (values.isEmpty()) {
            return;
        }
        Conversion<V, E> convert = writable();
        List<E> entities = new ArrayList<>(values.size());
        for (V value : values) {
            entities.add(convert.convert(session, value));
        }
        // As put: an update of every column, then an insert where it found no row; in one JDBC batch each.
        flushPending(session);
        SharedSessionContractImplementor s = implementor(session);
        if (rows.unnestable()) {
            putAllUnnested(session, values, entities, s);
            return;
        }
        String sql = rows.update(table.columns(), Condition.NONE);
        int[] counts = session.doReturningWork(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (E entity : entities) {
                    rows.bindUpdate(statement, table.columns(), entity, Condition.NONE, s);
                    statement.addBatch();
                }
                return statement.executeBatch();
            }
        });
        List<E> absent = new ArrayList<>();
        for (int i = 0; i < entities.size(); i++) {
            // A driver that cannot tell (SUCCESS_NO_INFO) gets the row checked by a put of its own.
            if (counts[i] == 0) {
                absent.add(entities.get(i));
            } else if (counts[i] < 0) {
                put(session, values.get(i));
            }
        }
        insert(session, absent);
    }

    /**
     * {@link #putAll} on PostgreSQL: one set-based update of arrays, then one insert of the keys it did not find.
     * Measured on the repair's writes (docs/reliability.md, "Batches"); a key given twice keeps its last value, as
     * the JDBC batch's later update would.
     */
    private void putAllUnnested(Session session, List<V> values, List<E> entities,
            SharedSessionContractImplementor s) {
        Map<K, E> byKey = new LinkedHashMap<>();
        for (int i = 0; i < values.size(); i++) {
            byKey.put(keyOf.apply(values.get(i)), entities.get(i));
        }
        List<E> distinct = new ArrayList<>(byKey.values());
        List<Object> found = session.doReturningWork(connection -> rows.unnestUpdate(connection, distinct, s));
        Set<Object> updated = new HashSet<>(found);
        List<E> absent = new ArrayList<>();
        for (E entity : distinct) {
            if (!updated.contains(rows.idOf(entity, s))) {
                absent.add(entity);
            }
        }
        insert(session, absent);
    }

    @Override
    public void remove(Session session, K key) {
        writable();
        flushPending(session);
        String sql;
        List<Column> cleared = new ArrayList<>();
        if (table.sameTable()) {
            // The row is the other model's too: clear this model's columns only.
            StringBuilder set = new StringBuilder();
            for (Column column : table.own()) {
                set.append(set.length() > 0 ? ", " : "").append(column.name()).append(" = ?");
                cleared.add(column);
            }
            sql = "update " + table.table() + " set " + set + " where " + table.id().name() + " = ?";
        } else {
            sql = "delete from " + table.table() + " where " + table.id().name() + " = ?";
        }
        SharedSessionContractImplementor s = implementor(session);
        session.doWork(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                int index = 1;
                for (Column column : cleared) {
                    Object unset = column == table.marker() ? Boolean.FALSE : null;
                    rows.bind(statement, index++, new Condition("", List.of(column), nullable(unset)), s);
                }
                rows.bindKey(statement, index, key, s);
                statement.executeUpdate();
            }
        });
    }

    @Override
    public long estimateCount(Session session) {
        Condition present = rows.present();
        String sql = "select count(*) from " + table.table()
                + (present.sql().isEmpty() ? "" : " where " + present.sql());
        SharedSessionContractImplementor s = implementor(session);
        return session.doReturningWork(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                rows.bind(statement, 1, present, s);
                try (ResultSet result = statement.executeQuery()) {
                    result.next();
                    return result.getLong(1);
                }
            }
        });
    }

    private Set<K> keysHeld(Session session, Collection<K> keys, Condition condition) {
        if (keys.isEmpty()) {
            return Set.of();
        }
        Set<K> wanted = new HashSet<>(keys);
        Set<K> held = new HashSet<>();
        String select = "select " + table.id().name() + " from " + table.table() + " where ";
        @Nullable K first = null;
        @Nullable K last = null;
        for (K key : keys) {
            first = first == null || key.compareTo(first) < 0 ? key : first;
            last = last == null || key.compareTo(last) > 0 ? key : last;
        }
        if (rangeLookups && keys.size() > MAX_IN_LIST && first != null && last != null
                && dense(first, last, wanted.size())) {
            // The backfill asks with one batch's keys, a dense run of the key order: one range read of the
            // index beats a long in list (docs/benchmarks.md). Scattered keys (a repair's) would read the rows
            // between them too, so only a span of at most a few times as many ids as keys qualifies.
            K from = first;
            K to = last;
            String sql = select + table.id().name() + " between ? and ?" + condition.and();
            collectKeys(session, sql, held, wanted, (statement, ss) -> {
                rows.bindKey(statement, 1, from, ss);
                rows.bindKey(statement, 2, to, ss);
                rows.bind(statement, 3, condition, ss);
            });
            return held;
        }
        List<K> all = new ArrayList<>(wanted);
        for (int start = 0; start < all.size(); start += 1000) {
            List<K> chunk = all.subList(start, Math.min(all.size(), start + 1000));
            String sql = select + table.id().name() + " in (" + "?, ".repeat(chunk.size() - 1) + "?)"
                    + condition.and();
            collectKeys(session, sql, held, wanted, (statement, ss) -> {
                int index = 1;
                for (K key : chunk) {
                    rows.bindKey(statement, index++, key, ss);
                }
                rows.bind(statement, index, condition, ss);
            });
        }
        return held;
    }

    /** Whether the numeric keys' span is at most {@code DENSE_SPAN} times their count; other keys are never. */
    private static boolean dense(Object first, Object last, int count) {
        if (!(first instanceof Number low) || !(last instanceof Number high)) {
            return false;
        }
        return high.longValue() - low.longValue() < (long) DENSE_SPAN * count;
    }

    @SuppressWarnings("unchecked")
    private void collectKeys(Session session, String sql, Set<K> held, Set<K> wanted, Binder binder) {
        SharedSessionContractImplementor s = implementor(session);
        session.doWork(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                binder.bind(statement, s);
                try (ResultSet result = statement.executeQuery()) {
                    while (result.next()) {
                        K key = (K) rows.key(result, 1, s);
                        if (wanted.contains(key)) {
                            held.add(key);
                        }
                    }
                }
            }
        });
    }

    private List<E> query(Session session, String sql, Binder binder) {
        SharedSessionContractImplementor s = implementor(session);
        return session.doReturningWork(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                binder.bind(statement, s);
                return readEntities(statement, s);
            }
        });
    }

    @SuppressWarnings("unchecked")
    private List<E> readEntities(PreparedStatement statement, SharedSessionContractImplementor s) throws SQLException {
        List<E> entities = new ArrayList<>();
        try (ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                entities.add((E) rows.entity(result, s));
            }
        }
        return entities;
    }

    private Map<K, E> entities(Session session, List<V> values) {
        Conversion<V, E> toEntity = writable();
        Map<K, E> entities = new LinkedHashMap<>();
        for (V value : values) {
            entities.put(keyOf.apply(value), toEntity.convert(session, value));
        }
        return entities;
    }

    /**
     * One insert of arrays on PostgreSQL where it can; else a multi-row insert per {@link
     * TableRows#rowsPerInsert()}.
     */
    private int insert(Session session, List<E> entities) {
        if (entities.isEmpty()) {
            return 0;
        }
        flushPending(session);
        SharedSessionContractImplementor s = implementor(session);
        int chunkSize = rows.rowsPerInsert();
        return session.doReturningWork(connection -> {
            if (rows.unnestable()) {
                return rows.unnestInsert(connection, entities, s);
            }
            int written = 0;
            for (int start = 0; start < entities.size(); start += chunkSize) {
                List<E> chunk = entities.subList(start, Math.min(entities.size(), start + chunkSize));
                try (PreparedStatement statement = connection.prepareStatement(rows.insert(chunk.size()))) {
                    int index = 1;
                    for (E entity : chunk) {
                        index = rows.bindRow(statement, index, entity, s);
                    }
                    written += statement.executeUpdate();
                }
            }
            return written;
        });
    }

    /** One JDBC batch of updates of these columns, each only where {@code extra} holds; returns the rows updated. */
    private int update(Session session, List<Column> columns, Condition extra, List<E> entities) {
        if (entities.isEmpty()) {
            return 0;
        }
        flushPending(session);
        SharedSessionContractImplementor s = implementor(session);
        String sql = rows.update(columns, extra);
        return session.doReturningWork(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (E entity : entities) {
                    rows.bindUpdate(statement, columns, entity, extra, s);
                    statement.addBatch();
                }
                int updated = 0;
                for (int count : statement.executeBatch()) {
                    updated += Math.max(count, 0);
                }
                return updated;
            }
        });
    }

    private Conversion<V, E> writable() {
        if (toEntity == null) {
            throw new UnsupportedOperationException("the mapped model of " + table.entity().getName() + " is"
                    + " read-only (EntityModel.readOnly: the source side of a one-way migration); build it with"
                    + " mapped(keyOf, toValue, toEntity) for a side that is written");
        }
        return toEntity;
    }

    /**
     * Writes what the session holds back before SQL of ours reaches the same tables: its own statements must not
     * land after ours (and the session's entities of this table are not refreshed by them).
     */
    private static void flushPending(Session session) {
        if (session.isDirty()) {
            session.flush();
        }
    }

    private static SharedSessionContractImplementor implementor(Session session) {
        return session.unwrap(SharedSessionContractImplementor.class);
    }

    private static List<@Nullable Object> nullable(@Nullable Object value) {
        List<@Nullable Object> list = new ArrayList<>(1);
        list.add(value);
        return list;
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement statement, SharedSessionContractImplementor session) throws java.sql.SQLException;
    }
}

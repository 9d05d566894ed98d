package io.dualrepo.benchmarks.backfill;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.hibernate.Session;

/** Plain JDBC over a session's connection, inside its transaction: what both models' queries go through. */
final class Jdbc {

    /** Binds a statement's parameters. */
    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    /** Maps the current row of a result. */
    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    /** Keys spanning less than this many times their number are read as one range. */
    private static final int DENSE_SPAN = 4;

    private Jdbc() {}

    static <T> List<T> list(Session session, String sql, Binder binder, RowMapper<T> mapper) {
        return session.doReturningWork(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                binder.bind(statement);
                try (ResultSet rows = statement.executeQuery()) {
                    List<T> result = new ArrayList<>();
                    while (rows.next()) {
                        result.add(mapper.map(rows));
                    }
                    return result;
                }
            }
        });
    }

    static int update(Session session, String sql, Binder binder) {
        return session.doReturningWork(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                binder.bind(statement);
                return statement.executeUpdate();
            }
        });
    }

    /**
     * Of these keys, those the table holds, in one query. Keys of a batch are usually dense (a backfill batch is a
     * key range): then one index range scan over their span, filtered here, is several times cheaper for
     * PostgreSQL than probing the index once per key ({@code where id = any(?)}), which sparse keys get.
     */
    static Set<Long> presentKeys(Session session, String table, Collection<Long> keys) {
        if (keys.isEmpty()) {
            return Set.of();
        }
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (long key : keys) {
            min = Math.min(min, key);
            max = Math.max(max, key);
        }
        boolean dense = max - min < DENSE_SPAN * keys.size();
        long low = min;
        long high = max;
        Set<Long> wanted = dense && !(keys instanceof Set) ? new HashSet<>(keys) : null;
        return session.doReturningWork(connection -> {
            String sql = "select id from " + table + (dense ? " where id between ? and ?" : " where id = any(?)");
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                if (dense) {
                    statement.setLong(1, low);
                    statement.setLong(2, high);
                } else {
                    statement.setArray(1, longs(connection, keys));
                }
                try (ResultSet rows = statement.executeQuery()) {
                    Set<Long> present = new HashSet<>(Math.max(16, keys.size() * 2));
                    Collection<Long> filter = wanted != null ? wanted : keys;
                    while (rows.next()) {
                        long id = rows.getLong(1);
                        if (!dense || filter.contains(id)) {
                            present.add(id);
                        }
                    }
                    return present;
                }
            }
        });
    }

    static Array longs(Connection connection, Collection<Long> values) throws SQLException {
        return connection.createArrayOf("bigint", values.toArray(new Long[0]));
    }
}

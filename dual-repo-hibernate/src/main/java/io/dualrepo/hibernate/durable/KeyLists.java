package io.dualrepo.hibernate.durable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * How the pending-sync table's statements name a batch of keys: one array parameter on PostgreSQL, in lists of
 * {@value #MAX_IN_LIST} elsewhere.
 */
final class KeyLists {

    /** Keys per statement of the queries that name a batch's keys in an in list. */
    static final int MAX_IN_LIST = 100;

    private KeyLists() {
    }

    /**
     * Whether the connection is to PostgreSQL: there a batch's keys or ids go as one array parameter ({@code =
     * any(?)}), a statement and one plan whatever their number, where in lists take a statement per {@value
     * #MAX_IN_LIST}.
     */
    static boolean postgresql(Connection connection) throws SQLException {
        return "PostgreSQL".equals(connection.getMetaData().getDatabaseProductName());
    }

    /** The keys in one list on PostgreSQL (one array), else in in lists of {@value #MAX_IN_LIST}. */
    static List<List<String>> keyLists(Connection connection, List<String> keys) throws SQLException {
        return postgresql(connection) ? List.of(keys) : chunks(keys);
    }

    /** {@code = any(?::text[])} on PostgreSQL, else {@code in (?, ...)} for the chunk. */
    static String keyCondition(Connection connection, List<String> chunk) throws SQLException {
        return postgresql(connection) ? "= any(?::text[])" : "in (" + placeholders(chunk) + ")";
    }

    /** Binds {@link #keyCondition}'s parameters from {@code index}. */
    static void bindKeys(Connection connection, PreparedStatement statement, int index, List<String> chunk)
            throws SQLException {
        if (postgresql(connection)) {
            statement.setArray(index, connection.createArrayOf("text", chunk.toArray(new String[0])));
            return;
        }
        for (String key : chunk) {
            statement.setString(index++, key);
        }
    }

    static List<List<String>> chunks(List<String> keys) {
        List<List<String>> chunks = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += MAX_IN_LIST) {
            chunks.add(keys.subList(from, Math.min(keys.size(), from + MAX_IN_LIST)));
        }
        return chunks;
    }

    static String placeholders(List<String> chunk) {
        return String.join(", ", Collections.nCopies(chunk.size(), "?"));
    }
}

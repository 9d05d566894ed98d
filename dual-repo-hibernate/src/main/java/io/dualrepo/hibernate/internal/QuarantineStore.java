package io.dualrepo.hibernate.internal;

import io.dualrepo.Side;
import io.dualrepo.hibernate.Transactions;
import io.dualrepo.hibernate.quarantine.QuarantinedRow;
import io.dualrepo.spi.WithheldMessage;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.hibernate.JDBCException;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.jspecify.annotations.Nullable;

/**
 * The statements on the quarantine table ({@link io.dualrepo.hibernate.quarantine.Quarantine} has its DDL), over
 * the JDBC connection of a session, so that they commit with that session's transaction.
 */
public final class QuarantineStore {

    public static final String TABLE = "dualrepo_quarantine";
    /** Longest key, as text, that the table holds. */
    public static final int MAX_KEY_LENGTH = 1000;
    private static final int MAX_ERROR_LENGTH = 1000;
    private static final int MAX_CLASS_LENGTH = 300;
    private static final int MAX_FOUND_BY_LENGTH = 200;
    private static final int MAX_CAUSES = 20;
    private static final String ROW_COLUMNS = "repository, row_key, target_side, found_by, exception_class,"
            + " sql_state, error, first_seen, last_seen, attempts";

    private QuarantineStore() {}

    /** Creates the table and its index unless they exist; a concurrent creation that loses the race is fine. */
    public static void createIfMissing(SessionFactory database) {
        Transactions transactions = Transactions.of(database);
        // Asked first, so that an instance finding the table does not take the catalogue locks "if not exists"
        // takes on PostgreSQL.
        if (transactions.read(QuarantineStore::tableExists)) {
            return;
        }
        try {
            transactions.runInTransaction(session -> LibraryTables.create(session, LibraryTables.asDeclared(TABLE)));
        } catch (RuntimeException e) {
            // Two instances starting at once on PostgreSQL race on the catalogue even with "if not exists".
            if (!transactions.read(QuarantineStore::tableExists)) {
                throw e;
            }
        }
    }

    /**
     * Creates the table unless it exists or, for a component built with {@code createTables(false)} ({@code who}),
     * checks that it is there with every column and throws what to do otherwise.
     */
    public static void prepare(SessionFactory database, boolean create, String who) {
        if (create) {
            createIfMissing(database);
        } else {
            Transactions.of(database).read(session -> {
                LibraryTables.require(session, LibraryTables.asDeclared(TABLE), who);
                return null;
            });
        }
    }

    /** Whether the table exists in the session's schema, from the catalogue. */
    public static boolean tableExists(Session session) {
        return session.doReturningWork(connection -> {
            // Unquoted names are stored lower-case by PostgreSQL, upper-case by H2 and the standard.
            for (String name : new String[] {TABLE, TABLE.toUpperCase(Locale.ROOT)}) {
                try (ResultSet tables = connection.getMetaData().getTables(connection.getCatalog(),
                        connection.getSchema(), name, null)) {
                    if (tables.next()) {
                        return true;
                    }
                }
            }
            return false;
        });
    }

    /**
     * Records that {@code target} rejected the value at {@code key}: a new row, or one more attempt of the row
     * there is. Stores {@code failure}'s classes and SQLStates, never its messages.
     */
    public static void record(Session session, String repository, Side target, String key, String foundBy,
            Throwable failure) {
        if (key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException(repository + ": a key of " + key.length() + " characters cannot be"
                    + " quarantined (at most " + MAX_KEY_LENGTH + ")");
        }
        String exceptionClass = cut(failure.getClass().getName(), MAX_CLASS_LENGTH);
        String sqlState = sqlStateOf(failure);
        String error = cut(WithheldMessage.describe(failure), MAX_ERROR_LENGTH);
        String by = cut(foundBy, MAX_FOUND_BY_LENGTH);
        OffsetDateTime now = OffsetDateTime.ofInstant(Instant.now(), ZoneOffset.UTC);
        session.doWork(connection -> {
            int updated;
            try (PreparedStatement update = connection.prepareStatement("update " + TABLE + " set found_by = ?,"
                    + " exception_class = ?, sql_state = ?, error = ?, last_seen = ?, attempts = attempts + 1"
                    + " where repository = ? and target_side = ? and row_key = ?")) {
                update.setString(1, by);
                update.setString(2, exceptionClass);
                update.setString(3, sqlState);
                update.setString(4, error);
                update.setObject(5, now);
                update.setString(6, repository);
                update.setString(7, target.name());
                update.setString(8, key);
                updated = update.executeUpdate();
            }
            if (updated == 0) {
                // Two writers inserting the same key at once: the loser's unique violation retries its transaction,
                // which then finds the row and updates it.
                try (PreparedStatement insert = connection.prepareStatement("insert into " + TABLE + " ("
                        + ROW_COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)")) {
                    insert.setString(1, repository);
                    insert.setString(2, key);
                    insert.setString(3, target.name());
                    insert.setString(4, by);
                    insert.setString(5, exceptionClass);
                    insert.setString(6, sqlState);
                    insert.setString(7, error);
                    insert.setObject(8, now);
                    insert.setObject(9, now);
                    insert.executeUpdate();
                }
            }
        });
    }

    /** Takes a key out of the quarantine; whether it was there. */
    public static boolean remove(Session session, String repository, Side target, String key) {
        return session.doReturningWork(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("delete from " + TABLE
                    + " where repository = ? and target_side = ? and row_key = ?")) {
                delete.setString(1, repository);
                delete.setString(2, target.name());
                delete.setString(3, key);
                return delete.executeUpdate() > 0;
            }
        });
    }

    /** Of these keys, those in the quarantine for a repository, whichever model rejected them. */
    public static Set<String> among(Session session, String repository, Collection<String> keys) {
        Set<String> found = new HashSet<>();
        if (keys.isEmpty()) {
            return found;
        }
        List<String> all = new ArrayList<>(keys);
        // In slices, as no database takes an unbounded parameter list.
        for (int from = 0; from < all.size(); from += 500) {
            List<String> slice = all.subList(from, Math.min(all.size(), from + 500));
            session.doWork(connection -> {
                StringBuilder sql = new StringBuilder("select row_key from " + TABLE
                        + " where repository = ? and row_key in (");
                for (int i = 0; i < slice.size(); i++) {
                    sql.append(i > 0 ? ", ?" : "?");
                }
                try (PreparedStatement select = connection.prepareStatement(sql.append(')').toString())) {
                    select.setString(1, repository);
                    for (int i = 0; i < slice.size(); i++) {
                        select.setString(i + 2, slice.get(i));
                    }
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            found.add(rows.getString(1));
                        }
                    }
                }
            });
        }
        return found;
    }

    /** Up to {@code limit} keys {@code target} rejected, after {@code after} (null: from the first), in text order. */
    public static List<String> keys(Session session, String repository, Side target, @Nullable String after,
            int limit) {
        return session.doReturningWork(connection -> {
            // PostgreSQL cannot type "? is null": two statements.
            try (PreparedStatement select = connection.prepareStatement("select row_key from " + TABLE
                    + " where repository = ? and target_side = ?" + (after == null ? "" : " and row_key > ?")
                    + " order by row_key")) {
                select.setString(1, repository);
                select.setString(2, target.name());
                if (after != null) {
                    select.setString(3, after);
                }
                select.setMaxRows(limit);
                List<String> keys = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        keys.add(rows.getString(1));
                    }
                }
                return keys;
            }
        });
    }

    /** Rows of a repository that {@code target} rejected; every model's when {@code target} is null. */
    public static long count(Session session, String repository, @Nullable Side target) {
        return session.doReturningWork(connection -> {
            try (PreparedStatement select = connection.prepareStatement("select count(*) from " + TABLE
                    + " where repository = ?" + (target == null ? "" : " and target_side = ?"))) {
                select.setString(1, repository);
                if (target != null) {
                    select.setString(2, target.name());
                }
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return row.getLong(1);
                }
            }
        });
    }

    public static List<QuarantinedRow> rows(Session session, String repository, int limit) {
        return session.doReturningWork(connection -> {
            try (PreparedStatement select = connection.prepareStatement("select " + ROW_COLUMNS + " from " + TABLE
                    + " where repository = ? order by row_key, target_side")) {
                select.setString(1, repository);
                select.setMaxRows(limit);
                List<QuarantinedRow> rows = new ArrayList<>();
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        rows.add(row(row));
                    }
                }
                return rows;
            }
        });
    }

    private static QuarantinedRow row(ResultSet row) throws SQLException {
        return new QuarantinedRow(row.getString(1), row.getString(2), Side.valueOf(row.getString(3)),
                row.getString(4), row.getString(5), row.getString(6), row.getString(7),
                row.getObject(8, OffsetDateTime.class).toInstant(), row.getObject(9, OffsetDateTime.class).toInstant(),
                row.getInt(10));
    }

    /** The first SQLState in {@code failure}'s cause chain, if it has one. */
    public static @Nullable String sqlStateOf(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < MAX_CAUSES; t = t.getCause(), depth++) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
            if (t instanceof JDBCException jdbc && jdbc.getSQLState() != null) {
                return jdbc.getSQLState();
            }
        }
        return null;
    }

    private static String cut(String text, int length) {
        return text.length() > length ? text.substring(0, length - 1) + "…" : text;
    }
}

package io.dualrepo.hibernate.durable;

import static io.dualrepo.hibernate.durable.KeyLists.MAX_IN_LIST;
import static io.dualrepo.hibernate.durable.KeyLists.bindKeys;
import static io.dualrepo.hibernate.durable.KeyLists.keyCondition;
import static io.dualrepo.hibernate.durable.KeyLists.keyLists;
import static io.dualrepo.hibernate.durable.KeyLists.postgresql;

import io.dualrepo.Side;
import io.dualrepo.hibernate.Transactions;
import io.dualrepo.hibernate.internal.LibraryTables;
import io.dualrepo.spi.WithheldMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.jspecify.annotations.Nullable;

/**
 * The table in which keys wait to be re-synced to the other model, one per database that is ever a primary. A
 * row says "the model in this database took a write at this key; the model on {@code target_side} may not have". Its
 * columns: {@code id} (identity), {@code repository} (the {@code @DualModel} name), {@code sync_key} (the key, as the
 * migration's {@link io.dualrepo.hibernate.KeyType} writes it), {@code target_side} ({@code OLD} or {@code NEW}: the
 * model to bring up to date), {@code created_at}, {@code attempts} (failed repairs so far; {@value #COPY_MARKER}
 * marks a migrate-on-read copy in flight) and {@code last_error} (why it waits). Its DDL is in the script {@code
 * db/dualrepo/flyway/{vendor}/R__dualrepo_tables.sql} of this jar.
 *
 * <p>{@link #createIfMissing} creates it and its indexes by running that script's statements for it; the scope and
 * the repair call it when they are built, so it only needs rights to create a table. Teams that manage their schema
 * with Flyway or Liquibase run the script (or the Liquibase changelog {@code
 * db/dualrepo/liquibase/dualrepo-changelog.xml}) instead and build the scope, sink and repair with {@code
 * createTables(false)}: they then check at start that the table is there (docs/hibernate.md, "Schema").
 *
 * <p>{@code last_error} never holds an exception's message: a database's message quotes the row it refused, which
 * can hold {@link io.dualrepo.Sensitive} values, and this table is read by whoever looks after the migration. It
 * holds the exception chain's classes and SQLStates ({@link WithheldMessage#describe}).
 *
 * <p>{@link #pendingCount} and {@link #oldestPending} read the table for a deployment's own checks, such as waiting
 * for the keys a model misses to be repaired before making it the primary.
 */
public final class PendingSyncTable {

    public static final String DEFAULT_NAME = "dualrepo_pending_sync";
    /** Longest key, as text, that the table holds. */
    public static final int MAX_KEY_LENGTH = 1000;
    static final int MAX_ERROR_LENGTH = 1000;
    /** {@code attempts} of a row that marks a migrate-on-read copy in flight rather than a write. */
    static final int COPY_MARKER = -1;

    // A plain or schema-qualified SQL identifier, short enough that the index name derived from it fits the
    // 63 characters PostgreSQL allows; no quoting, so nothing in it can break out of the statement.
    private static final Pattern VALID_NAME =
            Pattern.compile("([A-Za-z_][A-Za-z0-9_]{0,62}\\.)?[A-Za-z_][A-Za-z0-9_]{0,40}");

    private static final PendingSyncTable DEFAULT = new PendingSyncTable(DEFAULT_NAME);
    private static final String ROW_COLUMNS = "id, sync_key, target_side, attempts, created_at";

    private final String name;
    private final RepairLeases leases;

    private PendingSyncTable(String name) {
        this.name = name;
        this.leases = new RepairLeases(name);
    }

    /** {@value #DEFAULT_NAME}, in each database's default schema. */
    public static PendingSyncTable defaults() {
        return DEFAULT;
    }

    /** A table of another name, optionally schema-qualified ({@code migrations.pending_sync}). */
    public static PendingSyncTable named(String name) {
        Objects.requireNonNull(name, "name");
        if (!VALID_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("pending-sync table name '" + name + "' is not valid: use letters,"
                    + " digits and '_' (at most 41), optionally after a schema name and a dot");
        }
        return new PendingSyncTable(name);
    }

    public String name() {
        return name;
    }

    /** The repair batches' leases on keys, kept in this table as copy markers. */
    RepairLeases leases() {
        return leases;
    }

    /** Creates the table and its index in this database unless they exist. Safe to run from several instances. */
    public void createIfMissing(SessionFactory database) {
        Transactions transactions = Transactions.of(database);
        try {
            transactions.runInTransaction(session -> LibraryTables.create(session, names()));
        } catch (RuntimeException e) {
            // Two instances starting at once on PostgreSQL: "if not exists" still races on the catalog, and
            // the loser fails although the table is there. It is there if it can be read.
            try {
                count(database, "");
            } catch (RuntimeException stillMissing) {
                e.addSuppressed(stillMissing);
                throw e;
            }
        }
    }

    /**
     * Creates the table where it is missing, or, for a component built with {@code createTables(false)} ({@code
     * who}), checks that it is there with every column and throws what to do otherwise.
     */
    void prepare(SessionFactory database, boolean create, String who) {
        if (create) {
            createIfMissing(database);
        } else {
            Transactions.of(database).read(session -> {
                LibraryTables.require(session, names(), who);
                return null;
            });
        }
    }

    private Map<String, String> names() {
        return Map.of(DEFAULT_NAME, name);
    }

    /** Rows waiting in this database for a repository. */
    public long count(SessionFactory database, String repository) {
        return Transactions.of(database).read(session -> count(session, repository));
    }

    long count(Session session, String repository) {
        return session.doReturningWork(connection -> {
            try (PreparedStatement statement =
                    connection.prepareStatement("select count(*) from " + name + " where repository = ?")) {
                statement.setString(1, repository);
                try (ResultSet result = statement.executeQuery()) {
                    result.next();
                    return result.getLong(1);
                }
            }
        });
    }

    /**
     * Keys waiting in this database to be brought up to date in the {@code target} model: each key once however
     * many writes left it, young rows of writes whose secondary is still being written included. Zero means that
     * every write this database's model took as the primary has reached {@code target} (or been repaired), as far
     * as this table knows.
     *
     * @param database the database whose table to read: the one of the model that was the primary, {@code
     *     target}'s other side
     * @param repository the {@code @DualModel} name (the migration's name)
     */
    public long pendingCount(SessionFactory database, String repository, Side target) {
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(target, "target");
        return Transactions.of(database).read(session -> session.doReturningWork(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("select count(distinct sync_key) from "
                    + name + " where repository = ? and target_side = ?")) {
                statement.setString(1, repository);
                statement.setString(2, target.name());
                try (ResultSet result = statement.executeQuery()) {
                    result.next();
                    return result.getLong(1);
                }
            }
        }));
    }

    /**
     * Like {@link #pendingCount}, but leaves out rows younger than {@code writtenBefore} that no repair has tried
     * and no dual write has marked as missed ({@link #markMissed}): those of dual writes whose secondary half is
     * still running, which clear themselves within moments.
     */
    long waitingCount(SessionFactory database, String repository, Side target, Instant writtenBefore) {
        return Transactions.of(database).read(session -> session.doReturningWork(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("select count(distinct sync_key) from "
                    + name + " where repository = ? and target_side = ? and (attempts > 0 or (last_error is not null"
                    + " and attempts <> " + COPY_MARKER + ") or created_at < ?)")) {
                statement.setString(1, repository);
                statement.setString(2, target.name());
                statement.setObject(3, OffsetDateTime.ofInstant(writtenBefore, ZoneOffset.UTC));
                try (ResultSet result = statement.executeQuery()) {
                    result.next();
                    return result.getLong(1);
                }
            }
        }));
    }

    /**
     * Whether a dual write recorded before row {@code beforeId}, or a migrate-on-read copy, may still be writing one
     * of {@code keys} to {@code target}: a write's row that no repair has tried and no write has marked as missed, or
     * a copy's marker, written since {@code since} (older ones are of a process that died on the way, and left to the
     * repair).
     */
    boolean inFlightBefore(Session session, String repository, Collection<String> keys, Side target, long beforeId,
            Instant since) {
        return session.doReturningWork(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("select id from " + name
                    + " where repository = ? and sync_key = ? and target_side = ? and created_at >= ? and ((id < ?"
                    + " and attempts = 0 and last_error is null) or attempts = " + COPY_MARKER + ")"
                    + " fetch first 1 rows only")) {
                for (String key : new LinkedHashSet<>(keys)) {
                    statement.setString(1, repository);
                    statement.setString(2, key);
                    statement.setString(3, target.name());
                    statement.setObject(4, OffsetDateTime.ofInstant(since, ZoneOffset.UTC));
                    statement.setLong(5, beforeId);
                    try (ResultSet result = statement.executeQuery()) {
                        if (result.next()) {
                            return true;
                        }
                    }
                }
                return false;
            }
        });
    }

    /**
     * When the oldest row waiting in this database for a repository was written, by the clock of the instance that
     * wrote it; empty when none waits. Its age ({@code Duration.between(oldest, Instant.now())}) is how long a
     * write has been missing from the other model at most.
     */
    public Optional<Instant> oldestPending(SessionFactory database, String repository) {
        Objects.requireNonNull(repository, "repository");
        return Transactions.of(database).read(session -> oldestPending(session, repository));
    }

    Optional<Instant> oldestPending(Session session, String repository) {
        return session.doReturningWork(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "select min(created_at) from " + name + " where repository = ?")) {
                statement.setString(1, repository);
                try (ResultSet result = statement.executeQuery()) {
                    result.next();
                    return Optional.ofNullable(result.getObject(1, OffsetDateTime.class))
                            .map(OffsetDateTime::toInstant);
                }
            }
        });
    }

    /** Records the keys in the session's transaction; returns the new rows' ids. */
    List<Long> insert(Session session, String repository, List<String> keys, Side target) {
        return insert(session, repository, keys, target, 0, null);
    }

    /**
     * Records the keys of a write that left them to the repair, {@code reason} saying why (as {@link #markMissed}
     * does): new rows, not its own rows marked, since a repair may have read those and the models before the write's
     * secondary half landed, and then cleared them.
     */
    List<Long> insertMissed(Session session, String repository, List<String> keys, Side target, String reason) {
        return insert(session, repository, keys, target, 0, cut(reason));
    }

    /**
     * Marks a migrate-on-read copy of the keys into {@code target} as in flight, so that writes to them wait for it
     * ({@link EarlierWrites}); the repair leaves a marker alone while it is young and syncs its key once older (its
     * copy died on the way).
     */
    List<Long> insertCopyMarkers(Session session, String repository, List<String> keys, Side target) {
        return insert(session, repository, keys, target, COPY_MARKER, null);
    }

    private List<Long> insert(Session session, String repository, List<String> keys, Side target, int attempts,
            @Nullable String lastError) {
        if (keys.isEmpty()) {
            return List.of();
        }
        OffsetDateTime now = OffsetDateTime.ofInstant(Instant.now(), ZoneOffset.UTC);
        return session.doReturningWork(connection -> {
            List<Long> ids = new ArrayList<>(keys.size());
            try (PreparedStatement statement = connection.prepareStatement("insert into " + name
                            + " (repository, sync_key, target_side, created_at, attempts, last_error) values (?, ?, ?,"
                            + " ?, " + attempts + ", ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                for (String key : keys) {
                    statement.setString(1, repository);
                    statement.setString(2, key);
                    statement.setString(3, target.name());
                    statement.setObject(4, now);
                    statement.setString(5, lastError);
                    statement.executeUpdate();
                    try (ResultSet generated = statement.getGeneratedKeys()) {
                        generated.next();
                        // PostgreSQL returns every column of the row, H2 the identity: the id comes first in both.
                        ids.add(generated.getLong(1));
                    }
                }
            }
            return ids;
        });
    }

    /**
     * On PostgreSQL, lets the session's transaction commit without waiting for its WAL to reach the disk ({@code set
     * local synchronous_commit = off}); elsewhere nothing. Only for a transaction whose loss in a database crash is
     * harmless: one that deletes rows a later pass would merely sync again.
     */
    static void commitWithoutFlush(Session session) {
        session.doWork(connection -> {
            if (!"PostgreSQL".equals(connection.getMetaData().getDatabaseProductName())) {
                return;
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("set local synchronous_commit = off");
            }
        });
    }

    /** Every row of these keys, whatever its target and age, but copies' markers: {@link #rowsOf} for a batch. */
    List<Row> rowsOfKeys(Session session, String repository, Collection<String> keys) {
        List<String> wanted = List.copyOf(new LinkedHashSet<>(keys));
        if (wanted.isEmpty()) {
            return List.of();
        }
        return session.doReturningWork(connection -> {
            List<Row> rows = new ArrayList<>();
            for (List<String> chunk : keyLists(connection, wanted)) {
                try (PreparedStatement statement = connection.prepareStatement("select " + ROW_COLUMNS + " from "
                        + name + " where repository = ? and attempts <> " + COPY_MARKER + " and sync_key "
                        + keyCondition(connection, chunk) + " order by id")) {
                    statement.setString(1, repository);
                    bindKeys(connection, statement, 2, chunk);
                    rows.addAll(rows(statement));
                }
            }
            return rows;
        });
    }

    /**
     * Says why rows wait, for rows whose target is known to have missed the write (its write failed or was
     * deferred), so that {@link #waitingCount} counts them at once rather than as rows of writes still in flight.
     * {@code reason} is classes and SQLStates or a fixed text, never a message.
     */
    void markMissed(Session session, Collection<Long> ids, String reason) {
        setError(session, "update " + name + " set last_error = ? where id = ? and last_error is null", ids, reason);
    }

    void delete(Session session, Collection<Long> ids) {
        if (ids.isEmpty()) {
            return;
        }
        List<Long> all = List.copyOf(ids);
        session.doWork(connection -> {
            if (postgresql(connection)) {
                try (PreparedStatement statement =
                        connection.prepareStatement("delete from " + name + " where id = any(?::int8[])")) {
                    statement.setArray(1, connection.createArrayOf("int8", all.toArray(new Long[0])));
                    statement.executeUpdate();
                }
                return;
            }
            // In lists: a statement per row costs the database more than the row itself.
            for (int from = 0; from < all.size(); from += MAX_IN_LIST) {
                List<Long> chunk = all.subList(from, Math.min(all.size(), from + MAX_IN_LIST));
                try (PreparedStatement statement = connection.prepareStatement("delete from " + name
                        + " where id in (" + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")")) {
                    int index = 1;
                    for (long id : chunk) {
                        statement.setLong(index++, id);
                    }
                    statement.executeUpdate();
                }
            }
        });
    }

    /** One more attempt for each row, and the failure as its classes and SQLStates: never its messages. */
    void recordFailure(Session session, Collection<Long> ids, Throwable failure) {
        setError(session, "update " + name + " set attempts = attempts + 1, last_error = ? where id = ?", ids,
                WithheldMessage.describe(failure));
    }

    /** Runs {@code update} (error text, then id) for each row, the text cut to the column's length. */
    private static void setError(Session session, String update, Collection<Long> ids, String error) {
        String cut = cut(error);
        session.doWork(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(update)) {
                for (long id : ids) {
                    statement.setString(1, cut);
                    statement.setLong(2, id);
                    statement.addBatch();
                }
                statement.executeBatch();
            }
        });
    }

    private static String cut(String error) {
        return error.length() > MAX_ERROR_LENGTH ? error.substring(0, MAX_ERROR_LENGTH - 1) + "…" : error;
    }

    /** Up to {@code limit} rows of a repository after {@code afterId}, created no later than {@code createdBy}. */
    List<Row> page(Session session, String repository, long afterId, Instant createdBy, int limit) {
        return session.doReturningWork(connection -> page(connection, repository, afterId, createdBy, limit));
    }

    private List<Row> page(Connection connection, String repository, long afterId, Instant createdBy, int limit)
            throws SQLException {
        // A young copy marker is a copy still running, which writes wait for: the repair must not clear it.
        Instant markersBy = Instant.now().minus(CrossDatabaseScope.IN_FLIGHT_GRACE);
        try (PreparedStatement statement = connection.prepareStatement("select " + ROW_COLUMNS + " from " + name
                + " where repository = ? and id > ? and created_at <= ? and (attempts <> " + COPY_MARKER
                + " or created_at < ?) order by id")) {
            statement.setString(1, repository);
            statement.setLong(2, afterId);
            statement.setObject(3, OffsetDateTime.ofInstant(createdBy, ZoneOffset.UTC));
            statement.setObject(4, OffsetDateTime.ofInstant(markersBy, ZoneOffset.UTC));
            statement.setMaxRows(limit);
            return rows(statement);
        }
    }

    /** Every row of one key, whatever its target and age, but copies' markers. */
    List<Row> rowsOf(Session session, String repository, String key) {
        return session.doReturningWork(connection -> {
            // Copies' markers say a sync is running, not that a write waits: they are never weighed.
            try (PreparedStatement statement = connection.prepareStatement("select " + ROW_COLUMNS + " from " + name
                    + " where repository = ? and sync_key = ? and attempts <> " + COPY_MARKER + " order by id")) {
                statement.setString(1, repository);
                statement.setString(2, key);
                return rows(statement);
            }
        });
    }

    private static List<Row> rows(PreparedStatement statement) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                rows.add(new Row(result.getLong(1), result.getString(2), result.getString(3), result.getInt(4),
                        result.getObject(5, OffsetDateTime.class).toInstant()));
            }
        }
        return rows;
    }

    @Override
    public String toString() {
        return name;
    }

    /** One waiting key. {@code targetSide} is text so that a row no version of this code wrote cannot stop a pass. */
    record Row(long id, String key, String targetSide, int attempts, Instant createdAt) {}
}

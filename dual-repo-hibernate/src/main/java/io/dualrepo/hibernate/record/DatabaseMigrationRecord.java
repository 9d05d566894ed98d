package io.dualrepo.hibernate.record;

import io.dualrepo.hibernate.Transactions;
import io.dualrepo.hibernate.internal.LibraryTables;
import io.dualrepo.record.MigrationRecord;
import io.dualrepo.record.MigrationState;
import io.dualrepo.record.Origin;
import io.dualrepo.record.RecordEntry;
import io.dualrepo.record.SideState;
import io.dualrepo.record.SideStatus;
import io.dualrepo.routing.Comparison;
import io.dualrepo.routing.ReadSource;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.WriteTargets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.hibernate.SessionFactory;
import org.jspecify.annotations.Nullable;

/**
 * A {@link MigrationRecord} in two tables of a database, shared by every instance that points at it: usually the old
 * model's database, where the application already writes. One row per repository holds its state; every change
 * appends a row to the history in the same transaction, so the history is the complete audit trail.
 *
 * <p>Their DDL, with what each column holds, is in the script {@code
 * db/dualrepo/flyway/{vendor}/R__dualrepo_tables.sql} of this jar. {@link Builder#build()} creates both where they
 * are missing (and an index on the history) by running that script's statements for them, which also adds the {@code
 * *_rows_verified_at} columns to a table an earlier version created; teams that run Flyway or Liquibase run the script
 * (or the Liquibase changelog {@code db/dualrepo/liquibase/dualrepo-changelog.xml}) there instead and build with
 * {@code .createTables(false)}, which checks at build time that the tables are there (docs/hibernate.md, "Schema").
 */
public final class DatabaseMigrationRecord implements MigrationRecord {

    public static final String DEFAULT_TABLE = "dualrepo_migration";
    public static final Duration DEFAULT_RECHECK_INTERVAL = Duration.ofSeconds(1);

    // A plain or schema-qualified identifier, short enough for the derived history table and index names.
    private static final Pattern VALID_NAME =
            Pattern.compile("([A-Za-z_][A-Za-z0-9_]{0,62}\\.)?[A-Za-z_][A-Za-z0-9_]{0,30}");
    private static final String SIDE_COLUMNS = "%1$s_status, %1$s_since, %1$s_backfilled_at, %1$s_missed_since, "
            + "%1$s_forced, %1$s_rows_verified_at";
    private static final String STATE_COLUMNS = "version, read_source, write_targets, compare_ratio, route_since, "
            + SIDE_COLUMNS.formatted("old") + ", " + SIDE_COLUMNS.formatted("new");

    private final Transactions transactions;
    private final String table;
    private final String history;
    private final Duration settleTime;
    private final Duration recheckInterval;

    private DatabaseMigrationRecord(Builder builder) {
        this.transactions = Transactions.of(builder.database);
        this.table = builder.table;
        this.history = builder.table + "_history";
        this.settleTime = builder.settleTime;
        this.recheckInterval = builder.recheckInterval;
        if (builder.createTables) {
            createIfMissing();
        } else {
            requireTables();
        }
    }

    /** A record in {@code database}, in tables named {@value #DEFAULT_TABLE} and {@value #DEFAULT_TABLE}_history. */
    public static Builder builder(SessionFactory database) {
        return new Builder(database);
    }

    @Override
    public Optional<MigrationState> read(String repository) {
        return transactions.read(session -> session.doReturningWork(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "select " + STATE_COLUMNS + " from " + table + " where repository = ?")) {
                select.setString(1, repository);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(state(row)) : Optional.<MigrationState>empty();
                }
            }
        }));
    }

    @Override
    public boolean compareAndSet(String repository, long expectedVersion, MigrationState next, RecordEntry entry) {
        try {
            return transactions.inTransaction(session -> session.doReturningWork(connection -> {
                boolean stored = expectedVersion == 0
                        ? insert(connection, repository, next)
                        : update(connection, repository, expectedVersion, next);
                if (stored) {
                    append(connection, repository, entry);
                }
                return stored;
            }));
        } catch (RuntimeException e) {
            // Two instances recording a repository's first state at once: the loser's insert breaks the primary
            // key, and it reads the winner's state and decides again.
            if (expectedVersion == 0 && read(repository).isPresent()) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public List<RecordEntry> history(String repository, int limit) {
        return transactions.read(session -> session.doReturningWork(connection -> {
            try (PreparedStatement select = connection.prepareStatement("select at, origin, route_from, route_to,"
                    + " detail, by_whom from " + history + " where repository = ? order by id desc")) {
                select.setString(1, repository);
                select.setMaxRows(limit);
                List<RecordEntry> entries = new ArrayList<>();
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        entries.add(new RecordEntry(notNullInstant(row, 1), Origin.valueOf(row.getString(2)),
                                route(row.getString(3)), route(row.getString(4)), row.getString(5), row.getString(6)));
                    }
                }
                return entries;
            }
        }));
    }

    @Override
    public Duration settleTime() {
        return settleTime;
    }

    @Override
    public Duration recheckInterval() {
        return recheckInterval;
    }

    @Override
    public String toString() {
        return "migration record in table " + table;
    }

    private boolean insert(Connection connection, String repository, MigrationState state) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("insert into " + table + " (" + STATE_COLUMNS
                + ", repository) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            bindState(insert, state);
            insert.setString(18, repository);
            return insert.executeUpdate() == 1;
        }
    }

    private boolean update(Connection connection, String repository, long expectedVersion, MigrationState state)
            throws SQLException {
        String assignments = String.join(" = ?, ", STATE_COLUMNS.split(", ")) + " = ?";
        try (PreparedStatement update = connection.prepareStatement(
                "update " + table + " set " + assignments + " where repository = ? and version = ?")) {
            bindState(update, state);
            update.setString(18, repository);
            update.setLong(19, expectedVersion);
            return update.executeUpdate() == 1;
        }
    }

    private void append(Connection connection, String repository, RecordEntry entry) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("insert into " + history
                + " (repository, at, origin, route_from, route_to, detail, by_whom) values (?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, repository);
            insert.setObject(2, time(entry.at()));
            insert.setString(3, entry.origin().name());
            insert.setString(4, text(entry.from()));
            insert.setString(5, text(entry.to()));
            insert.setString(6, entry.detail());
            insert.setString(7, cut(entry.by(), 200));
            insert.executeUpdate();
        }
    }

    private static void bindState(PreparedStatement statement, MigrationState state) throws SQLException {
        statement.setLong(1, state.version());
        statement.setString(2, state.route().read().name());
        statement.setString(3, state.route().write().name());
        statement.setDouble(4, state.route().compare().sampleRatio());
        statement.setObject(5, time(state.routeSince()));
        bindSide(statement, 6, state.oldSide());
        bindSide(statement, 12, state.newSide());
    }

    private static void bindSide(PreparedStatement statement, int first, SideState side) throws SQLException {
        statement.setString(first, side.status().name());
        statement.setObject(first + 1, time(side.since()));
        setTime(statement, first + 2, side.backfilledAt());
        setTime(statement, first + 3, side.missedSince());
        statement.setBoolean(first + 4, side.forced());
        setTime(statement, first + 5, side.rowsVerifiedAt());
    }

    private static MigrationState state(ResultSet row) throws SQLException {
        Route route = Route.of(ReadSource.valueOf(row.getString(2)), WriteTargets.valueOf(row.getString(3)),
                Comparison.sampled(row.getDouble(4)));
        return new MigrationState(row.getLong(1), route, notNullInstant(row, 5), side(row, 6), side(row, 12));
    }

    private static SideState side(ResultSet row, int first) throws SQLException {
        return new SideState(SideStatus.valueOf(row.getString(first)), notNullInstant(row, first + 1),
                instant(row, first + 2), instant(row, first + 3), row.getBoolean(first + 4), instant(row, first + 5));
    }

    // Databases keep microseconds; truncating before storing keeps what is read back equal to what was written.
    private static OffsetDateTime time(Instant instant) {
        return OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    }

    private static void setTime(PreparedStatement statement, int index, @Nullable Instant instant) throws SQLException {
        if (instant == null) {
            statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setObject(index, time(instant));
        }
    }

    // For the columns the tables declare not null.
    private static Instant notNullInstant(ResultSet row, int index) throws SQLException {
        return Objects.requireNonNull(instant(row, index), "a not-null timestamp column read null");
    }

    private static @Nullable Instant instant(ResultSet row, int index) throws SQLException {
        OffsetDateTime time = row.getObject(index, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    private static @Nullable String text(@Nullable Route route) {
        return route == null ? null
                : route.read().name() + ' ' + route.write().name() + ' ' + route.compare().sampleRatio();
    }

    private static @Nullable Route route(@Nullable String text) {
        if (text == null) {
            return null;
        }
        String[] parts = text.split(" ");
        return Route.of(ReadSource.valueOf(parts[0]), WriteTargets.valueOf(parts[1]),
                Comparison.sampled(Double.parseDouble(parts[2])));
    }

    private static String cut(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length - 1) + "…";
    }

    private Map<String, String> names() {
        Map<String, String> names = new LinkedHashMap<>();
        names.put(DEFAULT_TABLE, table);
        names.put(DEFAULT_TABLE + "_history", history);
        return names;
    }

    private void requireTables() {
        transactions.read(session -> {
            LibraryTables.require(session, names(), "the " + this);
            return null;
        });
    }

    private void createIfMissing() {
        try {
            transactions.runInTransaction(session -> LibraryTables.create(session, names()));
        } catch (RuntimeException e) {
            // Instances starting at once on PostgreSQL race on the catalog even with "if not exists": the tables
            // are there if they can be read.
            try {
                history("", 1);
                read("");
            } catch (RuntimeException stillMissing) {
                e.addSuppressed(stillMissing);
                throw e;
            }
        }
    }

    /** Builds a {@link DatabaseMigrationRecord}. */
    public static final class Builder {

        private final SessionFactory database;
        private String table = DEFAULT_TABLE;
        private Duration settleTime = Duration.ZERO;
        private Duration recheckInterval = DEFAULT_RECHECK_INTERVAL;
        private boolean createTables = true;

        private Builder(SessionFactory database) {
            this.database = Objects.requireNonNull(database, "database");
        }

        /** The state table's name, optionally schema-qualified; the history is this name plus {@code _history}. */
        public Builder table(String table) {
            Objects.requireNonNull(table, "table");
            if (!VALID_NAME.matcher(table).matches()) {
                throw new IllegalArgumentException("migration record table name '" + table + "' is not valid: use"
                        + " letters, digits and '_' (at most 31), optionally after a schema name and a dot");
            }
            this.table = table;
            return this;
        }

        /**
         * How long a route change takes to reach every instance ({@link MigrationRecord#settleTime()}). Default
         * zero; with Unleash, the SDK's fetch interval plus the route source's refresh interval.
         */
        public Builder settleTime(Duration settleTime) {
            Objects.requireNonNull(settleTime, "settleTime");
            if (settleTime.isNegative()) {
                throw new IllegalArgumentException("settleTime must not be negative, was " + settleTime);
            }
            this.settleTime = settleTime;
            return this;
        }

        /** How often an instance judges a refused route again while it is still offered. Default 1 s. */
        public Builder recheckInterval(Duration recheckInterval) {
            Objects.requireNonNull(recheckInterval, "recheckInterval");
            if (recheckInterval.isNegative()) {
                throw new IllegalArgumentException("recheckInterval must not be negative, was " + recheckInterval);
            }
            this.recheckInterval = recheckInterval;
            return this;
        }

        /**
         * Whether {@link #build()} creates the tables where they are missing. Default true; with false it checks
         * that they are there, with every column, and throws {@link IllegalStateException} naming what is missing.
         */
        public Builder createTables(boolean createTables) {
            this.createTables = createTables;
            return this;
        }

        public DatabaseMigrationRecord build() {
            return new DatabaseMigrationRecord(this);
        }
    }
}

package io.dualrepo.hibernate.quarantine;

import io.dualrepo.Side;
import io.dualrepo.hibernate.Transactions;
import io.dualrepo.hibernate.internal.QuarantineStore;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import org.hibernate.JDBCException;
import org.hibernate.PropertyValueException;
import org.hibernate.SessionFactory;
import org.jspecify.annotations.Nullable;

/**
 * The quarantine: rows a model of a migration rejected, one table in the database of the model that rejected them
 * (the new model's, for the backfill, next to its checkpoint tables), {@value #TABLE}: one row per repository, model
 * and key, with what last tried the row, the class and first SQLState of what the write threw, the chain's classes
 * and SQLStates, when it was first and last rejected and how often. Its DDL is in the script {@code
 * db/dualrepo/flyway/{vendor}/R__dualrepo_tables.sql} of this jar.
 *
 * <p>The backfill and the repair create it where it is missing ({@link #createIfMissing}) by running that script's
 * statements for it; teams that manage their schema with Flyway or Liquibase run the script (or the Liquibase
 * changelog) there and build the backfill and the repair with {@code createTables(false)} (docs/hibernate.md,
 * "Schema"). It never holds a value of the data nor an exception's message (a database's message quotes the value it
 * refused, which may be {@link io.dualrepo.Sensitive}): to see a rejected row, read it in the old model by its key.
 *
 * <h2>Which failures reject a row</h2>
 * A write that throws is a <em>row error</em> ({@link #isRowError}) when its cause chain carries SQLStates and every
 * one of them is of class 22 (data exception: a value too long, out of range, of the wrong form) or 23 (integrity
 * constraint violation: null in a not-null column, a foreign key or check that fails, a unique violation that
 * persists after the retries); or, when it carries none, when the chain holds an exception the conversion from one
 * model's value to the other's throws on a value it cannot take: {@link IllegalArgumentException} (and {@link
 * NumberFormatException}), {@link NullPointerException}, {@link ClassCastException}, {@link ArithmeticException},
 * {@link IndexOutOfBoundsException}, {@link NoSuchElementException}, {@link DateTimeException}, Hibernate's {@link
 * PropertyValueException} (its own not-null check), or Bean Validation's {@code ConstraintViolationException}.
 * Everything else is the infrastructure's, not the row's: a connection error (08), a lock or statement timeout, a
 * serialization failure or deadlock (40, retried first), a missing table or column (42), any other SQLState, an
 * unknown exception, an {@link Error}. Those never quarantine a row: the backfill stops (it resumes on its next run)
 * and the repair keeps the key's pending rows for its next pass, as before there was a quarantine.
 */
public final class Quarantine {

    /** The table's name, in the default schema of each database that holds one. */
    public static final String TABLE = QuarantineStore.TABLE;

    private static final int MAX_CAUSES = 20;

    private static final List<Class<? extends Throwable>> CONVERSION_FAILURES = List.of(
            IllegalArgumentException.class, NullPointerException.class, ClassCastException.class,
            ArithmeticException.class, IndexOutOfBoundsException.class, NoSuchElementException.class,
            DateTimeException.class, PropertyValueException.class);
    // Bean Validation is not a dependency of this module: known by name.
    private static final Set<String> CONVERSION_FAILURE_NAMES = Set.of(
            "jakarta.validation.ConstraintViolationException", "javax.validation.ConstraintViolationException");

    private Quarantine() {}

    /** Creates the table and its index in this database unless they exist. Safe to run from several instances. */
    public static void createIfMissing(SessionFactory database) {
        QuarantineStore.createIfMissing(database);
    }

    /** Rows in this database's quarantine for a repository, whichever model rejected them; 0 without a table. */
    public static long count(SessionFactory database, String repository) {
        Objects.requireNonNull(repository, "repository");
        return Transactions.of(database).read(session -> QuarantineStore.tableExists(session)
                ? QuarantineStore.count(session, repository, null) : 0L);
    }

    /** Rows in this database's quarantine for a repository that {@code target} rejected; 0 without a table. */
    public static long count(SessionFactory database, String repository, Side target) {
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(target, "target");
        return Transactions.of(database).read(session -> QuarantineStore.tableExists(session)
                ? QuarantineStore.count(session, repository, target) : 0L);
    }

    /** The first {@code limit} rows of a repository in this database's quarantine, in key order. */
    public static List<QuarantinedRow> rows(SessionFactory database, String repository, int limit) {
        Objects.requireNonNull(repository, "repository");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        return Transactions.of(database).read(session -> QuarantineStore.tableExists(session)
                ? QuarantineStore.rows(session, repository, limit) : List.of());
    }

    /**
     * Whether {@code failure}, thrown by a model's write of one value (or by the conversion feeding it), says that
     * the value is what it rejects rather than that the database or the connection failed: the rule in the class
     * description.
     */
    public static boolean isRowError(Throwable failure) {
        boolean sqlStates = false;
        boolean conversion = false;
        int depth = 0;
        for (Throwable t = failure; t != null && depth < MAX_CAUSES; t = t.getCause(), depth++) {
            if (t instanceof Error) {
                return false;
            }
            String state = sqlState(t);
            if (state != null) {
                if (!state.startsWith("22") && !state.startsWith("23")) {
                    return false;
                }
                sqlStates = true;
            }
            conversion |= conversionFailure(t);
        }
        return sqlStates || conversion;
    }

    static @Nullable String sqlState(Throwable t) {
        if (t instanceof SQLException sql) {
            return sql.getSQLState();
        }
        if (t instanceof JDBCException jdbc) {
            return jdbc.getSQLState();
        }
        return null;
    }

    private static boolean conversionFailure(Throwable t) {
        for (Class<? extends Throwable> type : CONVERSION_FAILURES) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        for (Class<?> type = t.getClass(); type != null; type = type.getSuperclass()) {
            if (CONVERSION_FAILURE_NAMES.contains(type.getName())) {
                return true;
            }
        }
        return false;
    }
}

package io.dualrepo.hibernate.internal.lease;

import io.dualrepo.hibernate.internal.LibraryTables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hibernate.Session;
import org.hibernate.jdbc.ReturningWork;
import org.jspecify.annotations.Nullable;

/**
 * A job's checkpoint row and lease rows, read and written over the JDBC connection of a session of the new
 * model's database, so that they commit with that session's transaction. The backfill's javadoc describes the
 * protocol; the verifier follows it with two states, {@code active} and {@code done}.
 *
 * <p>A lease covers the keys after its start key (null: from the first) through its end key (null: to the last).
 * The verifier keeps a lease's findings (counts and sample keys, never values) in its {@code findings} column.
 */
public final class LeaseStore {

    public static final String ACTIVE = "active";
    public static final String COPIED = "copied";
    public static final String DONE = "done";

    private static final Instant LONG_AGO = Instant.EPOCH;

    /** The checkpoint: the last key claimed (null: none yet), the next lease's number, whether the job finished. */
    public record Checkpoint(@Nullable String lastKey, long nextLease, boolean finished) {}

    /** A lease: the keys after {@code startKey} (null: from the first) through {@code endKey}. */
    public record Lease(long seq, @Nullable String startKey, @Nullable String endKey,
            String status, String owner, String token, int attempts) {}

    /** Counts summed over a job's copied and done leases. */
    public record Totals(long done, long written, long removed, long leases) {
        public static final Totals NONE = new Totals(0, 0, 0, 0);
    }

    private final LeaseTables tables;
    private final String checkpointTable;
    private final String leaseTable;
    private final String job;
    private final Clock clock;
    private final Duration leaseDuration;
    private boolean skipLocked = true;
    /** Whether the database is PostgreSQL; null until the first {@link #relaxDurability} asks. */
    private volatile @Nullable Boolean postgres;

    public LeaseStore(LeaseTables tables, String job, Clock clock, Duration leaseDuration) {
        this.tables = tables;
        this.checkpointTable = tables.checkpoint();
        this.leaseTable = tables.lease();
        this.job = job;
        this.clock = clock;
        this.leaseDuration = leaseDuration;
    }

    /**
     * Whether both tables exist, from the catalogue: creating them again would be harmless, but on PostgreSQL
     * {@code create index if not exists} locks the lease table against the running workers' writes.
     */
    public boolean tablesExist(Session session) {
        return jdbc(session, connection -> {
            for (String table : tables.both()) {
                boolean found = false;
                for (String name : LeaseTables.spellings(table)) {
                    try (ResultSet tables = connection.getMetaData().getTables(connection.getCatalog(),
                            connection.getSchema(), name, null)) {
                        found |= tables.next();
                    }
                }
                if (!found) {
                    return false;
                }
            }
            return true;
        });
    }

    public void createTables(Session session) {
        LibraryTables.create(session, LibraryTables.asDeclared(checkpointTable, leaseTable));
    }

    /** Throws what to do unless both tables are there with every column; {@code who} built without creating them. */
    public void requireTables(Session session, String who) {
        LibraryTables.require(session, LibraryTables.asDeclared(checkpointTable, leaseTable), who);
    }

    /**
     * Throws unless this database takes {@code for update skip locked}; without it the claim waits for a lease row
     * a worker is writing, which the checkpoint lock keeps short and rare. Call it in a transaction of its own and
     * catch outside it: on PostgreSQL a failed statement spoils the transaction it is in.
     */
    public void probeSkipLocked(Session session) {
        jdbc(session, connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.executeQuery("select seq from " + leaseTable + " where 1 = 0 for update skip locked")
                        .close();
            }
            return null;
        });
    }

    public void skipLocked(boolean supported) {
        this.skipLocked = supported;
    }

    /** Creates the job's checkpoint row unless it exists; a concurrent creation makes it throw a unique violation. */
    public void createCheckpoint(Session session) {
        jdbc(session, connection -> {
            if (readCheckpoint(connection, false) == null) {
                try (PreparedStatement insert = connection.prepareStatement("insert into " + checkpointTable
                        + " (job, last_key, next_lease, finished, rows_done, rows_written, rows_removed, updated_at)"
                        + " values (?, null, 1, false, 0, 0, 0, ?)")) {
                    insert.setString(1, job);
                    insert.setObject(2, now());
                    insert.executeUpdate();
                }
            }
            return null;
        });
    }

    public @Nullable Checkpoint checkpoint(Session session) {
        return jdbc(session, connection -> readCheckpoint(connection, false));
    }

    /** The checkpoint, locked until the transaction ends: claims of the job's batches happen one at a time. */
    public Checkpoint lockCheckpoint(Session session) {
        Checkpoint checkpoint = jdbc(session, connection -> readCheckpoint(connection, true));
        if (checkpoint == null) {
            throw new IllegalStateException("job " + job + ": its row in " + checkpointTable
                    + " disappeared while it ran");
        }
        return checkpoint;
    }

    private @Nullable Checkpoint readCheckpoint(Connection connection, boolean lock) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("select last_key, next_lease, finished from "
                + checkpointTable + " where job = ?" + (lock ? " for update" : ""))) {
            select.setString(1, job);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? new Checkpoint(row.getString(1), row.getLong(2), row.getBoolean(3)) : null;
            }
        }
    }

    /** Forgets the job's progress: the next claim starts at the first key. */
    public void restart(Session session) {
        lockCheckpoint(session);
        jdbc(session, connection -> {
            try (PreparedStatement delete = connection.prepareStatement("delete from " + leaseTable
                    + " where job = ?")) {
                delete.setString(1, job);
                delete.executeUpdate();
            }
            try (PreparedStatement reset = connection.prepareStatement("update " + checkpointTable + " set"
                    + " last_key = null, next_lease = 1, finished = false, rows_done = 0, rows_written = 0,"
                    + " rows_removed = 0, updated_at = ? where job = ?")) {
                reset.setObject(1, now());
                reset.setString(2, job);
                reset.executeUpdate();
            }
            return null;
        });
    }

    /** Lets a restarted worker take its own unfinished leases back at once: they count as expired. */
    public int expireOwnedBy(Session session, String owner) {
        return jdbc(session, connection -> {
            try (PreparedStatement expire = connection.prepareStatement("update " + leaseTable
                    + " set expires_at = ? where job = ? and owner = ? and status in ('" + ACTIVE + "', '" + COPIED
                    + "')")) {
                expire.setObject(1, OffsetDateTime.ofInstant(LONG_AGO, ZoneOffset.UTC));
                expire.setString(2, job);
                expire.setString(3, owner);
                return expire.executeUpdate();
            }
        });
    }

    /** The oldest open lease whose time ran out, locked; another worker writing it right now is skipped. */
    public Optional<Lease> lockExpired(Session session) {
        return jdbc(session, connection -> {
            try (PreparedStatement select = connection.prepareStatement("select seq, start_key, end_key, status,"
                    + " owner, token, attempts from " + leaseTable + " where job = ? and status in ('" + ACTIVE
                    + "', '" + COPIED + "') and expires_at < ? order by seq fetch first 1 rows only for update"
                    + (skipLocked ? " skip locked" : ""))) {
                select.setString(1, job);
                select.setObject(2, now());
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(lease(row)) : Optional.empty();
                }
            }
        });
    }

    /** Makes an expired lease this worker's, under a new token that the old owner's late writes will not match. */
    public Lease takeOver(Session session, Lease expired, String owner, String token) {
        jdbc(session, connection -> {
            try (PreparedStatement update = connection.prepareStatement("update " + leaseTable + " set owner = ?,"
                    + " token = ?, attempts = attempts + 1, expires_at = ?, updated_at = ?"
                    + " where job = ? and seq = ?")) {
                update.setString(1, owner);
                update.setString(2, token);
                update.setObject(3, expiry());
                update.setObject(4, now());
                update.setString(5, job);
                update.setLong(6, expired.seq());
                update.executeUpdate();
            }
            return null;
        });
        return new Lease(expired.seq(), expired.startKey(), expired.endKey(), expired.status(), owner, token,
                expired.attempts() + 1);
    }

    /** Records a new lease after the checkpoint's last key through {@code endKey}, and moves the checkpoint there. */
    public Lease claim(Session session, Checkpoint checkpoint, @Nullable String endKey, String owner, String token) {
        jdbc(session, connection -> {
            try (PreparedStatement insert = connection.prepareStatement("insert into " + leaseTable + " (job, seq,"
                    + " start_key, end_key, owner, token, status, attempts, expires_at, rows_done, rows_written,"
                    + " rows_removed, updated_at) values (?, ?, ?, ?, ?, ?, '" + ACTIVE + "', 1, ?, 0, 0, 0, ?)")) {
                insert.setString(1, job);
                insert.setLong(2, checkpoint.nextLease());
                insert.setString(3, checkpoint.lastKey());
                insert.setString(4, endKey);
                insert.setString(5, owner);
                insert.setString(6, token);
                insert.setObject(7, expiry());
                insert.setObject(8, now());
                insert.executeUpdate();
            }
            try (PreparedStatement advance = connection.prepareStatement("update " + checkpointTable
                    + " set last_key = ?, next_lease = ?, updated_at = ? where job = ?")) {
                advance.setString(1, endKey);
                advance.setLong(2, checkpoint.nextLease() + 1);
                advance.setObject(3, now());
                advance.setString(4, job);
                advance.executeUpdate();
            }
            return null;
        });
        return new Lease(checkpoint.nextLease(), checkpoint.lastKey(), endKey, ACTIVE, owner, token, 1);
    }

    /** Whether any lease of the job is still open (claimed and not done, by any worker). */
    public boolean anyOpen(Session session) {
        return jdbc(session, connection -> {
            try (PreparedStatement select = connection.prepareStatement("select count(*) from " + leaseTable
                    + " where job = ? and status in ('" + ACTIVE + "', '" + COPIED + "')")) {
                select.setString(1, job);
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return row.getLong(1) > 0;
                }
            }
        });
    }

    public Totals totals(Session session) {
        return jdbc(session, connection -> {
            try (PreparedStatement select = connection.prepareStatement("select coalesce(sum(rows_done), 0),"
                    + " coalesce(sum(rows_written), 0), coalesce(sum(rows_removed), 0), count(*) from " + leaseTable
                    + " where job = ? and status in ('" + COPIED + "', '" + DONE + "')")) {
                select.setString(1, job);
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return new Totals(row.getLong(1), row.getLong(2), row.getLong(3), row.getLong(4));
                }
            }
        });
    }

    /** Marks the job finished, with its totals, so that the checkpoint row alone tells what the job did. */
    public void finish(Session session, Totals totals) {
        jdbc(session, connection -> {
            try (PreparedStatement update = connection.prepareStatement("update " + checkpointTable + " set"
                    + " finished = true, rows_done = ?, rows_written = ?, rows_removed = ?, updated_at = ?"
                    + " where job = ?")) {
                update.setLong(1, totals.done());
                update.setLong(2, totals.written());
                update.setLong(3, totals.removed());
                update.setObject(4, now());
                update.setString(5, job);
                update.executeUpdate();
            }
            return null;
        });
    }

    /** Records the lease's copy; false when the lease is no longer this worker's (then roll the copy back). */
    public boolean markCopied(Session session, Lease lease, long rowsDone, long rowsWritten) {
        return jdbc(session, connection -> {
            try (PreparedStatement update = connection.prepareStatement("update " + leaseTable + " set status = '"
                    + COPIED + "', rows_done = ?, rows_written = ?, updated_at = ? where job = ? and seq = ?"
                    + " and token = ? and status = '" + ACTIVE + "'")) {
                update.setLong(1, rowsDone);
                update.setLong(2, rowsWritten);
                update.setObject(3, now());
                update.setString(4, job);
                update.setLong(5, lease.seq());
                update.setString(6, lease.token());
                return update.executeUpdate() == 1;
            }
        });
    }

    /**
     * Whether the lease is still this worker's and still to be copied, locking its row until the transaction ends: a
     * takeover (which updates that row) then comes wholly before or wholly after the transaction.
     */
    public boolean holdsActive(Session session, Lease lease) {
        return jdbc(session, connection -> {
            try (PreparedStatement select = connection.prepareStatement("select seq from " + leaseTable
                    + " where job = ? and seq = ? and token = ? and status = '" + ACTIVE + "' for update")) {
                select.setString(1, job);
                select.setLong(2, lease.seq());
                select.setString(3, lease.token());
                try (ResultSet row = select.executeQuery()) {
                    return row.next();
                }
            }
        });
    }

    /** Records the lease's delete check; false when the lease is no longer this worker's. */
    public boolean markDone(Session session, Lease lease, long rowsRemoved) {
        return jdbc(session, connection -> {
            try (PreparedStatement update = connection.prepareStatement("update " + leaseTable + " set status = '"
                    + DONE + "', rows_removed = ?, updated_at = ? where job = ? and seq = ? and token = ?"
                    + " and status = '" + COPIED + "'")) {
                update.setLong(1, rowsRemoved);
                update.setObject(2, now());
                update.setString(3, job);
                update.setLong(4, lease.seq());
                update.setString(5, lease.token());
                return update.executeUpdate() == 1;
            }
        });
    }

    /**
     * Marks when the job's pass began: always when {@code again}, else only when not marked yet. The backfill does
     * not use it; a verification records it as the time its evidence holds from.
     */
    public void markStarted(Session session, boolean again) {
        jdbc(session, connection -> {
            try (PreparedStatement update = connection.prepareStatement("update " + checkpointTable
                    + " set started_at = ? where job = ?" + (again ? "" : " and started_at is null"))) {
                update.setObject(1, now());
                update.setString(2, job);
                update.executeUpdate();
            }
            return null;
        });
    }

    /** When the job's pass began, if marked. */
    public Optional<Instant> startedAt(Session session) {
        return jdbc(session, connection -> {
            try (PreparedStatement select = connection.prepareStatement("select started_at from " + checkpointTable
                    + " where job = ?")) {
                select.setString(1, job);
                try (ResultSet row = select.executeQuery()) {
                    OffsetDateTime at = row.next() ? row.getObject(1, OffsetDateTime.class) : null;
                    return Optional.ofNullable(at).map(OffsetDateTime::toInstant);
                }
            }
        });
    }

    /** Whether the lease that runs to the last key (end key null) has been claimed: then nothing is left to claim. */
    public boolean tailClaimed(Session session) {
        return jdbc(session, connection -> {
            try (PreparedStatement select = connection.prepareStatement("select count(*) from " + leaseTable
                    + " where job = ? and end_key is null")) {
                select.setString(1, job);
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return row.getLong(1) > 0;
                }
            }
        });
    }

    /**
     * Records a verified lease as done, with its counts and findings; false when the lease is no longer this
     * worker's (then its findings are the new owner's to record).
     */
    public boolean markVerified(Session session, Lease lease, long oldRows, long newRows, long discrepancies,
            String findings) {
        return jdbc(session, connection -> {
            try (PreparedStatement update = connection.prepareStatement("update " + leaseTable + " set status = '"
                    + DONE + "', rows_done = ?, rows_written = ?, rows_removed = ?, findings = ?, updated_at = ?"
                    + " where job = ? and seq = ? and token = ? and status = '" + ACTIVE + "'")) {
                update.setLong(1, oldRows);
                update.setLong(2, newRows);
                update.setLong(3, discrepancies);
                update.setString(4, findings);
                update.setObject(5, now());
                update.setString(6, job);
                update.setLong(7, lease.seq());
                update.setString(8, lease.token());
                return update.executeUpdate() == 1;
            }
        });
    }

    /** The findings of the job's done leases, in key order (lease order is key order). */
    public List<String> findings(Session session) {
        return jdbc(session, connection -> {
            try (PreparedStatement select = connection.prepareStatement("select findings from " + leaseTable
                    + " where job = ? and status = '" + DONE + "' and findings is not null order by seq")) {
                select.setString(1, job);
                List<String> all = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        all.add(rows.getString(1));
                    }
                }
                return all;
            }
        });
    }

    /**
     * On PostgreSQL, lets this transaction's commit return before its WAL reaches the disk. For writes that are
     * only progress: a crash loses the last few, whose key ranges are then done again. Elsewhere nothing.
     */
    public void relaxDurability(Session session) {
        jdbc(session, connection -> {
            if (postgres == null) {
                postgres = connection.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT)
                        .contains("postgres");
            }
            if (postgres == Boolean.TRUE) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("set local synchronous_commit to off");
                }
            }
            return null;
        });
    }

    private static Lease lease(ResultSet row) throws SQLException {
        return new Lease(row.getLong(1), row.getString(2), row.getString(3), row.getString(4), row.getString(5),
                row.getString(6), row.getInt(7));
    }

    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private OffsetDateTime expiry() {
        return OffsetDateTime.ofInstant(clock.instant().plus(leaseDuration), ZoneOffset.UTC);
    }

    private static <T> T jdbc(Session session, ReturningWork<T> work) {
        return session.doReturningWork(work);
    }
}

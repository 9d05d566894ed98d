package io.dualrepo.hibernate.durable;

import static io.dualrepo.hibernate.durable.KeyLists.bindKeys;
import static io.dualrepo.hibernate.durable.KeyLists.chunks;
import static io.dualrepo.hibernate.durable.KeyLists.keyCondition;
import static io.dualrepo.hibernate.durable.KeyLists.keyLists;
import static io.dualrepo.hibernate.durable.KeyLists.placeholders;
import static io.dualrepo.hibernate.durable.KeyLists.postgresql;

import io.dualrepo.Side;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hibernate.Session;

/**
 * A repair batch's lease on its keys, so that instances repairing at once take different keys: rows of the
 * pending-sync table that look like a migrate-on-read copy's marker, so that writes to the keys wait for the batch as
 * for any copy ({@link EarlierWrites}), and whose {@code last_error} names the batch.
 */
final class RepairLeases {

    /**
     * {@code last_error} of a copy marker that a repair batch wrote: its lease on the key. Another instance's repair
     * leaves a key so leased alone while the marker is young; writes wait for it as for any copy's marker.
     */
    static final String REPAIR_LEASE = "repair batch in flight";
    private static final int COPY_MARKER = PendingSyncTable.COPY_MARKER;

    private final String name;

    RepairLeases(String tableName) {
        this.name = tableName;
    }

    /**
     * Takes a lease on each of {@code keys} not leased already by another repair's young marker (written since {@code
     * since}): a copy marker ({@link PendingSyncTable#insertCopyMarkers}) whose {@code last_error} is {@code
     * lease}, a text starting with {@link #REPAIR_LEASE} and unique to the batch, so that {@link #release} removes
     * exactly its markers. Writes to the keys wait for them. Two instances taking one key at the same moment both
     * get it: a key synced twice is still right.
     *
     * @return the keys leased; a key another repair holds is left out
     */
    List<String> take(Session session, String repository, Collection<String> keys, Side target,
            Instant since, String lease) {
        List<String> wanted = List.copyOf(new LinkedHashSet<>(keys));
        OffsetDateTime now = OffsetDateTime.ofInstant(Instant.now(), ZoneOffset.UTC);
        OffsetDateTime youngSince = OffsetDateTime.ofInstant(since, ZoneOffset.UTC);
        return session.doReturningWork(connection -> {
            if (postgresql(connection)) {
                return leaseAtOnce(connection, repository, wanted, target, now, youngSince, lease);
            }
            Set<String> leased = new LinkedHashSet<>();
            for (List<String> chunk : chunks(wanted)) {
                try (PreparedStatement statement = connection.prepareStatement("select sync_key from " + name
                        + " where repository = ? and target_side = ? and attempts = " + COPY_MARKER
                        + " and last_error like ? and created_at >= ? and sync_key in (" + placeholders(chunk) + ")")) {
                    statement.setString(1, repository);
                    statement.setString(2, target.name());
                    statement.setString(3, REPAIR_LEASE + "%");
                    statement.setObject(4, youngSince);
                    int index = 5;
                    for (String key : chunk) {
                        statement.setString(index++, key);
                    }
                    try (ResultSet result = statement.executeQuery()) {
                        while (result.next()) {
                            leased.add(result.getString(1));
                        }
                    }
                }
            }
            List<String> free = new ArrayList<>();
            for (String key : wanted) {
                if (!leased.contains(key)) {
                    free.add(key);
                }
            }
            // Multi-row inserts: a statement per row costs the database more than the row itself.
            for (List<String> chunk : chunks(free)) {
                String row = "(?, ?, ?, ?, " + COPY_MARKER + ", ?)";
                try (PreparedStatement insert = connection.prepareStatement("insert into " + name
                        + " (repository, sync_key, target_side, created_at, attempts, last_error) values "
                        + String.join(", ", Collections.nCopies(chunk.size(), row)))) {
                    int index = 1;
                    for (String key : chunk) {
                        insert.setString(index++, repository);
                        insert.setString(index++, key);
                        insert.setString(index++, target.name());
                        insert.setObject(index++, now);
                        insert.setString(index++, lease);
                    }
                    insert.executeUpdate();
                }
            }
            return free;
        });
    }

    /**
     * {@link #take} on PostgreSQL: the look-up of the keys leased elsewhere and the insert of the others in
     * one statement, the keys as one array: the same rows as the two steps above, in one round trip whatever the
     * batch size.
     */
    private List<String> leaseAtOnce(Connection connection, String repository, List<String> wanted, Side target,
            OffsetDateTime now, OffsetDateTime youngSince, String lease) throws SQLException {
        Set<String> taken = new HashSet<>();
        try (PreparedStatement insert = connection.prepareStatement("insert into " + name
                + " (repository, sync_key, target_side, created_at, attempts, last_error)"
                + " select ?, k.sync_key, ?, ?, " + COPY_MARKER + ", ? from unnest(?::text[]) as k (sync_key)"
                + " where not exists (select 1 from " + name + " p where p.repository = ? and p.sync_key = k.sync_key"
                + " and p.target_side = ? and p.attempts = " + COPY_MARKER + " and p.last_error like ?"
                + " and p.created_at >= ?) returning sync_key")) {
            insert.setString(1, repository);
            insert.setString(2, target.name());
            insert.setObject(3, now);
            insert.setString(4, lease);
            insert.setArray(5, connection.createArrayOf("text", wanted.toArray(new String[0])));
            insert.setString(6, repository);
            insert.setString(7, target.name());
            insert.setString(8, REPAIR_LEASE + "%");
            insert.setObject(9, youngSince);
            try (ResultSet result = insert.executeQuery()) {
                while (result.next()) {
                    taken.add(result.getString(1));
                }
            }
        }
        List<String> free = new ArrayList<>();
        for (String key : wanted) {
            if (taken.contains(key)) {
                free.add(key);
            }
        }
        return free;
    }

    /**
     * Removes the markers {@link #take} wrote with {@code lease} on {@code keys}. Looked up through the
     * keys' index: by the lease text alone it was a scan of the whole table per batch, which grows with the keys
     * waiting (100,000 pending rows: the slowest statement of a batch).
     */
    void release(Session session, String repository, String lease, Collection<String> keys) {
        List<String> leased = List.copyOf(new LinkedHashSet<>(keys));
        if (leased.isEmpty()) {
            return;
        }
        session.doWork(connection -> {
            String where = "delete from " + name + " where repository = ? and attempts = " + COPY_MARKER
                    + " and last_error = ? and sync_key ";
            for (List<String> chunk : keyLists(connection, leased)) {
                try (PreparedStatement delete = connection.prepareStatement(where + keyCondition(connection, chunk))) {
                    delete.setString(1, repository);
                    delete.setString(2, lease);
                    bindKeys(connection, delete, 3, chunk);
                    delete.executeUpdate();
                }
            }
        });
    }
}

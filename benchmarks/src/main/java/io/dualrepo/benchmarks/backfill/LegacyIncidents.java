package io.dualrepo.benchmarks.backfill;

import io.dualrepo.hibernate.KeyedModel;
import io.dualrepo.hibernate.Transactions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hibernate.Session;
import org.jspecify.annotations.Nullable;

/**
 * The old model, {@code incidents(id, organisation_id, title, status)} with the status as text. A page is one
 * keyset query, a presence check one query however many keys it asks about.
 */
public final class LegacyIncidents implements KeyedModel<Long, Incident> {

    private static final String COLUMNS = "select id, organisation_id, title, status from incidents";

    private final Transactions transactions;

    public LegacyIncidents(Transactions transactions) {
        this.transactions = transactions;
    }

    @Override
    public Transactions transactions() {
        return transactions;
    }

    @Override
    public Long keyOf(Incident value) {
        return value.id();
    }

    @Override
    public List<Incident> page(Session session, @Nullable Long after, int limit) {
        return Jdbc.list(session, COLUMNS + " where id > ? order by id limit ?", statement -> {
            // Ids are positive: from the first is after Long.MIN_VALUE, and the query stays one prepared statement.
            statement.setLong(1, after == null ? Long.MIN_VALUE : after);
            statement.setInt(2, limit);
        }, LegacyIncidents::incident);
    }

    @Override
    public Set<Long> present(Session session, Collection<Long> keys) {
        return Jdbc.presentKeys(session, "incidents", keys);
    }

    @Override
    public Optional<Incident> find(Session session, Long key) {
        return Jdbc.list(session, COLUMNS + " where id = ?", statement -> statement.setLong(1, key),
                LegacyIncidents::incident).stream().findFirst();
    }

    @Override
    public int insertAbsent(Session session, List<Incident> values) {
        int written = 0;
        for (Incident incident : values) {
            written += Jdbc.update(session, "insert into incidents (id, organisation_id, title, status)"
                    + " values (?, ?, ?, ?) on conflict (id) do nothing", statement -> bind(statement, incident));
        }
        return written;
    }

    @Override
    public void put(Session session, Incident value) {
        Jdbc.update(session, "insert into incidents (id, organisation_id, title, status) values (?, ?, ?, ?)"
                + " on conflict (id) do update set organisation_id = excluded.organisation_id,"
                + " title = excluded.title, status = excluded.status", statement -> bind(statement, value));
    }

    @Override
    public void remove(Session session, Long key) {
        Jdbc.update(session, "delete from incidents where id = ?", statement -> statement.setLong(1, key));
    }

    /** The planner's estimate: free, and good enough for a progress bar. */
    @Override
    public long estimateCount(Session session) {
        return Jdbc.list(session, "select reltuples::bigint from pg_class where oid = 'incidents'::regclass",
                statement -> {}, row -> row.getLong(1)).get(0);
    }

    private static void bind(PreparedStatement statement, Incident incident) throws SQLException {
        statement.setLong(1, incident.id());
        statement.setString(2, incident.organisationId());
        statement.setString(3, incident.title());
        statement.setString(4, incident.status());
    }

    private static Incident incident(ResultSet row) throws SQLException {
        return new Incident(row.getLong(1), row.getString(2), row.getString(3), row.getString(4));
    }
}

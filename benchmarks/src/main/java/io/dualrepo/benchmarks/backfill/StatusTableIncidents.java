package io.dualrepo.benchmarks.backfill;

import io.dualrepo.hibernate.KeyedModel;
import io.dualrepo.hibernate.Transactions;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.hibernate.Session;
import org.hibernate.StatelessSession;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The new model, {@code incidents_v2(id, organisation_id, title, incident_status_id)}: the status is a reference to
 * one of the organisation's rows in {@code incident_statuses(id, organisation_id, name)}.
 *
 * <p>Written for the backfill's throughput: a batch is one insert statement (or one JDBC batch, as the {@link
 * Writer} says), and statuses are resolved from a cache that one query per batch fills with whatever the batch
 * needs and the cache lacks. The cache is sound because a status row never changes its id, organisation or name
 * (statuses are added, not renamed); a status missing from the table fails the batch, naming it.
 */
public final class StatusTableIncidents implements KeyedModel<Long, Incident> {

    private static final String COLUMNS = "select v.id, v.organisation_id, v.title, s.name from incidents_v2 v"
            + " join incident_statuses s on s.id = v.incident_status_id";
    private static final String INSERT_UNNEST = "insert into incidents_v2 (id, organisation_id, title,"
            + " incident_status_id) select * from unnest(?::bigint[], ?::text[], ?::text[], ?::bigint[])";
    private static final String ON_CONFLICT = " on conflict (id) do nothing";
    private static final String COPY_IN = "copy incidents_v2 (id, organisation_id, title, incident_status_id)"
            + " from stdin";
    private static final String INSERT_ROW = "insert into incidents_v2 (id, organisation_id, title,"
            + " incident_status_id) values (?, ?, ?, ?)";

    private final Transactions transactions;
    private final Writer writer;
    private final int jdbcBatchSize;
    /** Status ids by organisation, then by name. */
    private final Map<String, Map<String, Long>> statuses = new ConcurrentHashMap<>();
    /** Status names by id, for reads. */
    private final Map<Long, String> statusNames = new ConcurrentHashMap<>();

    /**
     * @param jdbcBatchSize the statements per JDBC batch of the {@link Writer#STATELESS} writer (Hibernate's
     *     {@code hibernate.jdbc.batch_size} for it)
     */
    public StatusTableIncidents(Transactions transactions, Writer writer, int jdbcBatchSize) {
        this.transactions = transactions;
        this.writer = writer;
        this.jdbcBatchSize = jdbcBatchSize;
    }

    @Override
    public Transactions transactions() {
        return transactions;
    }

    @Override
    public Long keyOf(Incident value) {
        return value.id();
    }

    /**
     * A page of {@code incidents_v2} alone, status names from a cache by id (see the class comment for why it is
     * sound): a join with {@code incident_statuses} made PostgreSQL look up each row's status in its index, which
     * took five times as long as the page itself (the verifier benchmark's profile, 5,000-row pages).
     */
    @Override
    public List<Incident> page(Session session, @Nullable Long after, int limit) {
        List<Object[]> rows = Jdbc.list(session, "select id, organisation_id, title, incident_status_id from"
                + " incidents_v2 where id > ? order by id limit ?", statement -> {
                    statement.setLong(1, after == null ? Long.MIN_VALUE : after);
                    statement.setInt(2, limit);
                }, row -> new Object[] {row.getLong(1), row.getString(2), row.getString(3), row.getLong(4)});
        List<Long> unknown = rows.stream().map(row -> (Long) row[3]).filter(id -> !statusNames.containsKey(id))
                .distinct().toList();
        if (!unknown.isEmpty()) {
            Jdbc.list(session, "select id, name from incident_statuses where id = any(?)", statement -> statement
                    .setArray(1, statement.getConnection().createArrayOf("bigint", unknown.toArray())),
                    row -> statusNames.put(row.getLong(1), row.getString(2)));
        }
        List<Incident> page = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            page.add(new Incident((Long) row[0], (String) row[1], (String) row[2], statusName((Long) row[3])));
        }
        return page;
    }

    private String statusName(Long id) {
        String name = statusNames.get(id);
        if (name == null) {
            // Only without the foreign key (foreignKey=false) can a row point at no status: a broken set-up.
            throw new IllegalStateException("incident_statuses has no row with id " + id);
        }
        return name;
    }

    @Override
    public Set<Long> present(Session session, Collection<Long> keys) {
        return Jdbc.presentKeys(session, "incidents_v2", keys);
    }

    @Override
    public Optional<Incident> find(Session session, Long key) {
        return Jdbc.list(session, COLUMNS + " where v.id = ?", statement -> statement.setLong(1, key),
                StatusTableIncidents::incident).stream().findFirst();
    }

    @Override
    public int insertAbsent(Session session, List<Incident> values) {
        long[] statusIds = statusIds(session, values);
        return switch (writer) {
            case UNNEST -> session.doReturningWork(connection -> insertUnnest(connection, INSERT_UNNEST, values,
                    statusIds));
            case UNNEST_ON_CONFLICT -> session.doReturningWork(connection -> insertUnnest(connection,
                    INSERT_UNNEST + ON_CONFLICT, values, statusIds));
            case COPY -> session.doReturningWork(connection -> (int) copy(connection, values, statusIds));
            case JDBC_BATCH -> session.doReturningWork(connection -> insertBatch(connection, values, statusIds));
            case STATELESS -> insertStateless(session, values, statusIds);
        };
    }

    private static int insertUnnest(Connection connection, String sql, List<Incident> values, long[] statusIds)
            throws SQLException {
        int size = values.size();
        Long[] ids = new Long[size];
        String[] organisations = new String[size];
        String[] titles = new String[size];
        Long[] statusColumn = new Long[size];
        for (int i = 0; i < size; i++) {
            Incident incident = values.get(i);
            ids[i] = incident.id();
            organisations[i] = incident.organisationId();
            titles[i] = incident.title();
            statusColumn[i] = statusIds[i];
        }
        try (PreparedStatement insert = connection.prepareStatement(sql)) {
            insert.setArray(1, connection.createArrayOf("bigint", ids));
            insert.setArray(2, connection.createArrayOf("text", organisations));
            insert.setArray(3, connection.createArrayOf("text", titles));
            insert.setArray(4, connection.createArrayOf("bigint", statusColumn));
            return insert.executeUpdate();
        }
    }

    private static long copy(Connection connection, List<Incident> values, long[] statusIds) throws SQLException {
        StringBuilder text = new StringBuilder(values.size() * 96);
        for (int i = 0; i < values.size(); i++) {
            Incident incident = values.get(i);
            text.append(incident.id()).append('\t');
            escape(text, incident.organisationId()).append('\t');
            escape(text, incident.title()).append('\t');
            text.append(statusIds[i]).append('\n');
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY_IN);
        try {
            copy.writeToCopy(bytes, 0, bytes.length);
            return copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    /** A value in COPY's text format: backslash, tab, newline and carriage return escaped. */
    private static StringBuilder escape(StringBuilder text, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> text.append("\\\\");
                case '\t' -> text.append("\\t");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                default -> text.append(c);
            }
        }
        return text;
    }

    private static int insertBatch(Connection connection, List<Incident> values, long[] statusIds)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT_ROW)) {
            for (int i = 0; i < values.size(); i++) {
                Incident incident = values.get(i);
                insert.setLong(1, incident.id());
                insert.setString(2, incident.organisationId());
                insert.setString(3, incident.title());
                insert.setLong(4, statusIds[i]);
                insert.addBatch();
            }
            insert.executeBatch();
            // Every row was absent when the batch read the new model; a key inserted since fails the whole batch.
            return values.size();
        }
    }

    private int insertStateless(Session session, List<Incident> values, long[] statusIds) {
        List<IncidentV2Row> rows = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            Incident incident = values.get(i);
            rows.add(new IncidentV2Row(incident.id(), incident.organisationId(), incident.title(), statusIds[i]));
        }
        // On the session's own connection, hence in its transaction.
        try (StatelessSession stateless = session.statelessWithOptions().connection().open()) {
            stateless.setJdbcBatchSize(jdbcBatchSize);
            stateless.insertMultiple(rows);
        }
        return rows.size();
    }

    /** The status id of each value, from the cache, after one query for those the cache lacks. */
    private long[] statusIds(Session session, List<Incident> values) {
        Map<String, List<String>> missing = new LinkedHashMap<>();
        for (Incident incident : values) {
            if (cached(incident) == null) {
                List<String> names = missing.computeIfAbsent(incident.organisationId(),
                        organisation -> new ArrayList<>());
                if (!names.contains(incident.status())) {
                    names.add(incident.status());
                }
            }
        }
        if (!missing.isEmpty()) {
            load(session, missing);
        }
        long[] ids = new long[values.size()];
        for (int i = 0; i < ids.length; i++) {
            Incident incident = values.get(i);
            Long id = cached(incident);
            if (id == null) {
                throw new IllegalStateException("incident " + incident.id() + ": organisation "
                        + incident.organisationId() + " has no status '" + incident.status()
                        + "' in incident_statuses");
            }
            ids[i] = id;
        }
        return ids;
    }

    private @Nullable Long cached(Incident incident) {
        Map<String, Long> names = statuses.get(incident.organisationId());
        return names == null ? null : names.get(incident.status());
    }

    private void load(Session session, Map<String, List<String>> wanted) {
        List<String> organisations = new ArrayList<>();
        List<String> names = new ArrayList<>();
        wanted.forEach((organisation, statusNames) -> statusNames.forEach(name -> {
            organisations.add(organisation);
            names.add(name);
        }));
        session.doWork(connection -> {
            try (PreparedStatement select = connection.prepareStatement("select s.id, s.organisation_id, s.name"
                    + " from incident_statuses s join unnest(?::text[], ?::text[]) as wanted(organisation_id, name)"
                    + " on s.organisation_id = wanted.organisation_id and s.name = wanted.name")) {
                select.setArray(1, connection.createArrayOf("text", organisations.toArray()));
                select.setArray(2, connection.createArrayOf("text", names.toArray()));
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        statuses.computeIfAbsent(rows.getString(2), organisation -> new ConcurrentHashMap<>())
                                .put(rows.getString(3), rows.getLong(1));
                    }
                }
            }
        });
    }

    @Override
    public void put(Session session, Incident value) {
        long statusId = statusIds(session, List.of(value))[0];
        Jdbc.update(session, INSERT_ROW + " on conflict (id) do update set organisation_id = excluded.organisation_id,"
                + " title = excluded.title, incident_status_id = excluded.incident_status_id", statement -> {
                    statement.setLong(1, value.id());
                    statement.setString(2, value.organisationId());
                    statement.setString(3, value.title());
                    statement.setLong(4, statusId);
                });
    }

    @Override
    public void remove(Session session, Long key) {
        Jdbc.update(session, "delete from incidents_v2 where id = ?", statement -> statement.setLong(1, key));
    }

    @Override
    public long estimateCount(Session session) {
        return Jdbc.list(session, "select reltuples::bigint from pg_class where oid = 'incidents_v2'::regclass",
                statement -> {}, row -> row.getLong(1)).get(0);
    }

    private static Incident incident(ResultSet row) throws SQLException {
        return new Incident(row.getLong(1), row.getString(2), row.getString(3), row.getString(4));
    }
}

package io.dualrepo.sample.model;

import io.dualrepo.hibernate.KeyType;
import io.dualrepo.hibernate.KeyedModel;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.Transactions;
import io.dualrepo.sample.Incident;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hibernate.Session;
import org.hibernate.SessionFactory;

/**
 * The incident models as the backfill and the verifier see them: keyed rows in key order. Incident ids are UUIDs,
 * which sort the same in Java and in any database collation, as the backfill and verifier require.
 */
public final class IncidentModels {

    private IncidentModels() {}

    public static Migration<String, Incident> migration(SessionFactory oldDatabase, SessionFactory newDatabase,
            Layout layout) {
        return Migration.of("incidents", KeyType.STRING, new Old(oldDatabase), new New(newDatabase, layout));
    }

    /** The old model, {@code incidents.status}; a row whose status is null was written by the new model only. */
    public static KeyedModel<String, Incident> oldModel(SessionFactory database) {
        return new Old(database);
    }

    /** The new model, {@code incidents.incident_status_id} and {@code incident_statuses}. */
    public static KeyedModel<String, Incident> newModel(SessionFactory database, Layout layout) {
        return new New(database, layout);
    }

    private static final class Old implements KeyedModel<String, Incident> {
        private final Transactions transactions;

        Old(SessionFactory database) {
            this.transactions = Transactions.of(database);
        }

        @Override
        public Transactions transactions() {
            return transactions;
        }

        @Override
        public String keyOf(Incident value) {
            return value.id();
        }

        @Override
        public List<Incident> page(Session session, String after, int limit) {
            return session.createSelectionQuery("from LegacyIncidentRow where status is not null"
                            + " and (:after is null or id > :after) order by id", LegacyIncidentRow.class)
                    .setParameter("after", after)
                    .setMaxResults(limit)
                    .getResultList().stream().map(LegacyIncidentRow::toIncident).toList();
        }

        @Override
        public Set<String> present(Session session, Collection<String> keys) {
            return new HashSet<>(session.createSelectionQuery(
                            "select id from LegacyIncidentRow where status is not null and id in :keys", String.class)
                    .setParameter("keys", keys).getResultList());
        }

        @Override
        public Optional<Incident> find(Session session, String key) {
            return Optional.ofNullable(session.find(LegacyIncidentRow.class, key))
                    .filter(row -> row.status != null)
                    .map(LegacyIncidentRow::toIncident);
        }

        @Override
        public int insertAbsent(Session session, List<Incident> values) {
            Set<String> present = present(session, values.stream().map(Incident::id).toList());
            int written = 0;
            for (Incident value : values) {
                if (!present.contains(value.id())) {
                    // An insert, never an update: see the new model's insertAbsent.
                    session.persist(new LegacyIncidentRow(value));
                    written++;
                }
            }
            return written;
        }

        @Override
        public void put(Session session, Incident value) {
            LegacyIncidentRow row = session.find(LegacyIncidentRow.class, value.id());
            if (row == null) {
                session.persist(new LegacyIncidentRow(value));
            } else {
                row.copy(value);
            }
        }

        @Override
        public void remove(Session session, String key) {
            LegacyIncidentRow row = session.find(LegacyIncidentRow.class, key);
            if (row != null) {
                session.remove(row);
            }
        }

        @Override
        public long estimateCount(Session session) {
            return session.createSelectionQuery("select count(*) from LegacyIncidentRow where status is not null",
                    Long.class).getSingleResult();
        }
    }

    private static final class New implements KeyedModel<String, Incident> {
        private final Transactions transactions;
        private final Layout layout;

        New(SessionFactory database, Layout layout) {
            this.transactions = Transactions.of(database);
            this.layout = layout;
        }

        @Override
        public Transactions transactions() {
            return transactions;
        }

        @Override
        public String keyOf(Incident value) {
            return value.id();
        }

        @Override
        public List<Incident> page(Session session, String after, int limit) {
            return session.createSelectionQuery(
                            "select i.id, i.organisationId, i.title, s.name from StatusIncidentRow i"
                                    + " join IncidentStatusRow s on s.id = i.statusId"
                                    + " where :after is null or i.id > :after order by i.id",
                            Object[].class)
                    .setParameter("after", after)
                    .setMaxResults(limit)
                    .getResultList().stream()
                    .map(row -> new Incident((String) row[0], (String) row[1], (String) row[2], (String) row[3]))
                    .toList();
        }

        @Override
        public Set<String> present(Session session, Collection<String> keys) {
            return new HashSet<>(session.createSelectionQuery(
                            "select id from StatusIncidentRow where statusId is not null and id in :keys",
                            String.class)
                    .setParameter("keys", keys).getResultList());
        }

        @Override
        public Optional<Incident> find(Session session, String key) {
            return Optional.ofNullable(session.find(StatusIncidentRow.class, key))
                    .filter(row -> row.statusId != null)
                    .map(row -> new Incident(row.id, row.organisationId, row.title,
                            Statuses.nameOf(session, row.statusId)));
        }

        @Override
        public int insertAbsent(Session session, List<Incident> values) {
            int written = 0;
            if (layout == Layout.SAME_TABLE) {
                for (Incident value : values) {
                    // Fills the column only where it is still null: never over a dual write, and never brings back
                    // a row deleted since the page was read.
                    written += session.createMutationQuery("update StatusIncidentRow set statusId = :statusId"
                                    + " where id = :id and statusId is null")
                            .setParameter("statusId",
                                    Statuses.idOf(session, value.organisationId(), value.status()))
                            .setParameter("id", value.id())
                            .executeUpdate();
                }
                return written;
            }
            Set<String> present = present(session, values.stream().map(Incident::id).toList());
            for (Incident value : values) {
                if (!present.contains(value.id())) {
                    // An insert, never an update: a dual write that lands after the check above must make this
                    // fail (and the batch retry), not be overwritten with the older value read for the batch.
                    StatusTableIncidents.insert(session, value);
                    written++;
                }
            }
            return written;
        }

        @Override
        public void put(Session session, Incident value) {
            StatusTableIncidents.put(session, value);
        }

        @Override
        public void remove(Session session, String key) {
            StatusIncidentRow row = session.find(StatusIncidentRow.class, key);
            if (row == null) {
                return;
            }
            if (layout == Layout.SAME_TABLE) {
                row.statusId = null;
            } else {
                session.remove(row);
            }
        }

        @Override
        public long estimateCount(Session session) {
            return session.createSelectionQuery("select count(*) from StatusIncidentRow where statusId is not null",
                    Long.class).getSingleResult();
        }
    }
}

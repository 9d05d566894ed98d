package io.dualrepo.hibernate.model;

import io.dualrepo.hibernate.KeyType;
import io.dualrepo.hibernate.KeyedModel;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.Transactions;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hibernate.Session;
import org.hibernate.SessionFactory;

/** The incident models as the backfill, the verifier and the repair see them, for both layouts of the new model. */
public final class IncidentModels {

    private IncidentModels() {}

    /** New tables next to the old: {@code incidents} (status text) to {@code incidents_v2} + {@code incident_statuses}. */
    public static Migration<String, Incident> newTables(SessionFactory oldDatabase, SessionFactory newDatabase) {
        return Migration.of("incidents", KeyType.STRING, new Legacy(oldDatabase), new StatusTable(newDatabase));
    }

    /** New columns in the old table: {@code incidents.status} to {@code incidents.incident_status_id}. */
    public static Migration<String, Incident> sameTable(SessionFactory database) {
        return Migration.of("incidents", KeyType.STRING, new SharedColumn(database, true),
                new SharedColumn(database, false));
    }

    /** The old model: {@code incidents} with its status text. */
    static final class Legacy implements KeyedModel<String, Incident> {
        private final Transactions transactions;

        Legacy(SessionFactory sessionFactory) {
            this.transactions = Transactions.of(sessionFactory);
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
                            "from LegacyIncidentRow where :after is null or id > :after order by id",
                            LegacyIncidentRow.class)
                    .setParameter("after", after)
                    .setMaxResults(limit)
                    .getResultList().stream().map(LegacyIncidentRow::toIncident).toList();
        }

        @Override
        public Set<String> present(Session session, Collection<String> keys) {
            return new HashSet<>(session.createSelectionQuery(
                            "select id from LegacyIncidentRow where id in :keys", String.class)
                    .setParameter("keys", keys).getResultList());
        }

        @Override
        public Optional<Incident> find(Session session, String key) {
            return Optional.ofNullable(session.find(LegacyIncidentRow.class, key)).map(LegacyIncidentRow::toIncident);
        }

        @Override
        public int insertAbsent(Session session, List<Incident> values) {
            Set<String> present = present(session, values.stream().map(Incident::id).toList());
            int written = 0;
            for (Incident value : values) {
                if (!present.contains(value.id())) {
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
            return session.createSelectionQuery("select count(*) from LegacyIncidentRow", Long.class).getSingleResult();
        }
    }

    /** The new model in tables of its own: {@code incidents_v2} pointing at {@code incident_statuses}. */
    static final class StatusTable implements KeyedModel<String, Incident> {
        private final Transactions transactions;

        StatusTable(SessionFactory sessionFactory) {
            this.transactions = Transactions.of(sessionFactory);
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
                            "from StatusTableIncidentRow r join fetch r.status where :after is null or r.id > :after"
                                    + " order by r.id",
                            StatusTableIncidentRow.class)
                    .setParameter("after", after)
                    .setMaxResults(limit)
                    .getResultList().stream().map(StatusTableIncidentRow::toIncident).toList();
        }

        @Override
        public Set<String> present(Session session, Collection<String> keys) {
            return new HashSet<>(session.createSelectionQuery(
                            "select id from StatusTableIncidentRow where id in :keys", String.class)
                    .setParameter("keys", keys).getResultList());
        }

        @Override
        public Optional<Incident> find(Session session, String key) {
            return Optional.ofNullable(session.find(StatusTableIncidentRow.class, key))
                    .map(StatusTableIncidentRow::toIncident);
        }

        @Override
        public int insertAbsent(Session session, List<Incident> values) {
            Set<String> present = present(session, values.stream().map(Incident::id).toList());
            int written = 0;
            for (Incident value : values) {
                if (!present.contains(value.id())) {
                    session.persist(new StatusTableIncidentRow(value.id(), value.organisationId(), value.title(),
                            StatusIds.byName(session, value.organisationId(), value.status())));
                    written++;
                }
            }
            return written;
        }

        @Override
        public void put(Session session, Incident value) {
            IncidentStatusRow status = StatusIds.byName(session, value.organisationId(), value.status());
            StatusTableIncidentRow row = session.find(StatusTableIncidentRow.class, value.id());
            if (row == null) {
                session.persist(new StatusTableIncidentRow(value.id(), value.organisationId(), value.title(), status));
            } else {
                row.organisationId = value.organisationId();
                row.title = value.title();
                row.status = status;
            }
        }

        @Override
        public void remove(Session session, String key) {
            StatusTableIncidentRow row = session.find(StatusTableIncidentRow.class, key);
            if (row != null) {
                session.remove(row);
            }
        }

        @Override
        public long estimateCount(Session session) {
            return session.createSelectionQuery("select count(*) from StatusTableIncidentRow", Long.class)
                    .getSingleResult();
        }
    }

    /** Either model of the same-table case; a model holds a row when its column is not null. */
    static final class SharedColumn implements KeyedModel<String, Incident> {
        private final Transactions transactions;
        private final boolean old;
        private final String column;

        SharedColumn(SessionFactory sessionFactory, boolean old) {
            this.transactions = Transactions.of(sessionFactory);
            this.old = old;
            this.column = old ? "status" : "statusId";
        }

        @Override
        public Transactions transactions() {
            return transactions;
        }

        @Override
        public String keyOf(Incident value) {
            return value.id();
        }

        private Incident toIncident(Session session, SharedIncidentRow row) {
            String status = old ? row.status : StatusIds.nameOf(session, row.statusId);
            return new Incident(row.id, row.organisationId, row.title, status);
        }

        @Override
        public List<Incident> page(Session session, String after, int limit) {
            return session.createSelectionQuery("from SharedIncidentRow where " + column + " is not null"
                                    + " and (:after is null or id > :after) order by id", SharedIncidentRow.class)
                    .setParameter("after", after)
                    .setMaxResults(limit)
                    .getResultList().stream().map(row -> toIncident(session, row)).toList();
        }

        @Override
        public Set<String> present(Session session, Collection<String> keys) {
            return new HashSet<>(session.createSelectionQuery("select id from SharedIncidentRow where " + column
                            + " is not null and id in :keys", String.class)
                    .setParameter("keys", keys).getResultList());
        }

        @Override
        public Optional<Incident> find(Session session, String key) {
            SharedIncidentRow row = session.find(SharedIncidentRow.class, key);
            if (row == null || (old ? row.status == null : row.statusId == null)) {
                return Optional.empty();
            }
            return Optional.of(toIncident(session, row));
        }

        @Override
        public int insertAbsent(Session session, List<Incident> values) {
            int written = 0;
            for (Incident value : values) {
                // One statement that writes only where the column is still null: never over a dual write.
                if (old) {
                    written += session.createMutationQuery("update SharedIncidentRow set status = :status"
                                    + " where id = :id and status is null")
                            .setParameter("status", value.status()).setParameter("id", value.id()).executeUpdate();
                } else {
                    long statusId = StatusIds.byName(session, value.organisationId(), value.status()).id;
                    written += session.createMutationQuery("update SharedIncidentRow set statusId = :statusId"
                                    + " where id = :id and statusId is null")
                            .setParameter("statusId", statusId).setParameter("id", value.id()).executeUpdate();
                }
            }
            return written;
        }

        @Override
        public void put(Session session, Incident value) {
            SharedIncidentRow row = session.find(SharedIncidentRow.class, value.id());
            if (row == null) {
                row = new SharedIncidentRow(value.id(), value.organisationId(), value.title());
                session.persist(row);
            }
            if (old) {
                row.status = value.status();
            } else {
                row.statusId = StatusIds.byName(session, value.organisationId(), value.status()).id;
            }
        }

        @Override
        public void remove(Session session, String key) {
            SharedIncidentRow row = session.find(SharedIncidentRow.class, key);
            if (row != null) {
                if (old) {
                    row.status = null;
                } else {
                    row.statusId = null;
                }
            }
        }

        @Override
        public long estimateCount(Session session) {
            return session.createSelectionQuery("select count(*) from SharedIncidentRow where " + column
                    + " is not null", Long.class).getSingleResult();
        }
    }
}

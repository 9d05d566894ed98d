package io.dualrepo.sample.model;

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
import org.jspecify.annotations.Nullable;

/**
 * The first backfill of the playbook: every organisation gets the four default statuses before any incident can
 * refer to them. As a migration, the organisations are the old side and each organisation's statuses the new:
 * the same backfill job then copies, resumes and re-runs safely (an organisation that has its statuses is skipped).
 */
public final class StatusDefaults {

    /** One organisation's statuses. */
    public record OrganisationStatuses(String organisationId, List<String> names) {}

    private StatusDefaults() {}

    public static Migration<String, OrganisationStatuses> migration(SessionFactory oldDatabase,
            SessionFactory newDatabase) {
        return Migration.of("incident-statuses", KeyType.STRING, new Organisations(oldDatabase),
                new StatusTable(newDatabase));
    }

    private static final class Organisations implements KeyedModel<String, OrganisationStatuses> {
        private final Transactions transactions;

        Organisations(SessionFactory database) {
            this.transactions = Transactions.of(database);
        }

        @Override
        public Transactions transactions() {
            return transactions;
        }

        @Override
        public String keyOf(OrganisationStatuses value) {
            return value.organisationId();
        }

        @Override
        public List<OrganisationStatuses> page(Session session, @Nullable String after, int limit) {
            return session.createSelectionQuery(
                            "select id from OrganisationRow where :after is null or id > :after order by id",
                            String.class)
                    .setParameter("after", after)
                    .setMaxResults(limit)
                    .getResultList().stream()
                    .map(id -> new OrganisationStatuses(id, Statuses.NAMES))
                    .toList();
        }

        @Override
        public Set<String> present(Session session, Collection<String> keys) {
            return new HashSet<>(session.createSelectionQuery("select id from OrganisationRow where id in :keys",
                    String.class).setParameter("keys", keys).getResultList());
        }

        @Override
        public Optional<OrganisationStatuses> find(Session session, String key) {
            return Optional.ofNullable(session.find(OrganisationRow.class, key))
                    .map(row -> new OrganisationStatuses(row.id, Statuses.NAMES));
        }

        @Override
        public int insertAbsent(Session session, List<OrganisationStatuses> values) {
            throw new UnsupportedOperationException("organisations are not created by a backfill");
        }

        @Override
        public void put(Session session, OrganisationStatuses value) {
            throw new UnsupportedOperationException("organisations are not created by a backfill");
        }

        @Override
        public void remove(Session session, String key) {
            throw new UnsupportedOperationException("organisations are not removed by a backfill");
        }

        @Override
        public long estimateCount(Session session) {
            return session.createSelectionQuery("select count(*) from OrganisationRow", Long.class).getSingleResult();
        }
    }

    private static final class StatusTable implements KeyedModel<String, OrganisationStatuses> {
        private final Transactions transactions;

        StatusTable(SessionFactory database) {
            this.transactions = Transactions.of(database);
        }

        @Override
        public Transactions transactions() {
            return transactions;
        }

        @Override
        public String keyOf(OrganisationStatuses value) {
            return value.organisationId();
        }

        @Override
        public List<OrganisationStatuses> page(Session session, @Nullable String after, int limit) {
            List<String> organisations = session.createSelectionQuery(
                            "select distinct organisationId from IncidentStatusRow"
                                    + " where :after is null or organisationId > :after order by organisationId",
                            String.class)
                    .setParameter("after", after)
                    .setMaxResults(limit)
                    .getResultList();
            return organisations.stream().map(id -> find(session, id).orElseThrow()).toList();
        }

        @Override
        public Set<String> present(Session session, Collection<String> keys) {
            return new HashSet<>(session.createSelectionQuery(
                            "select distinct organisationId from IncidentStatusRow where organisationId in :keys",
                            String.class)
                    .setParameter("keys", keys).getResultList());
        }

        @Override
        public Optional<OrganisationStatuses> find(Session session, String key) {
            List<String> names = session.createSelectionQuery(
                            "select name from IncidentStatusRow where organisationId = :organisation order by id",
                            String.class)
                    .setParameter("organisation", key)
                    .getResultList();
            return names.isEmpty() ? Optional.empty() : Optional.of(new OrganisationStatuses(key, names));
        }

        @Override
        public int insertAbsent(Session session, List<OrganisationStatuses> values) {
            Set<String> present = present(session, values.stream().map(OrganisationStatuses::organisationId).toList());
            int written = 0;
            for (OrganisationStatuses value : values) {
                if (!present.contains(value.organisationId())) {
                    Statuses.createDefaults(session, value.organisationId());
                    written++;
                }
            }
            return written;
        }

        @Override
        public void put(Session session, OrganisationStatuses value) {
            Statuses.createDefaults(session, value.organisationId());
        }

        @Override
        public void remove(Session session, String key) {
            // Statuses may be referenced by incidents; an organisation's statuses are never removed by a repair.
            throw new UnsupportedOperationException("statuses are not removed by a backfill");
        }

        @Override
        public long estimateCount(Session session) {
            return session.createSelectionQuery("select count(distinct organisationId) from IncidentStatusRow",
                    Long.class).getSingleResult();
        }
    }
}

package io.dualrepo.hibernate.model;

import io.dualrepo.hibernate.EntityModel;
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

/** The person models as the backfill, the verifier and the repair see them: {@code persons} to {@code persons_v2}. */
public final class PersonModels {

    private PersonModels() {}

    public static Migration<String, Person> of(SessionFactory oldDatabase, SessionFactory newDatabase) {
        return Migration.of("persons", KeyType.STRING, new Legacy(oldDatabase), new Split(newDatabase));
    }

    /**
     * The same migration with both models built from the entities' mappings ({@link EntityModel}): what a user writes
     * instead of the two classes below.
     */
    public static Migration<String, Person> mapped(SessionFactory oldDatabase, SessionFactory newDatabase) {
        return Migration.of("persons", KeyType.STRING,
                EntityModel.of(oldDatabase, LegacyPersonRow.class, String.class)
                        .mapped(Person::id, LegacyPersonRow::toPerson, LegacyPersonRow::new),
                EntityModel.of(newDatabase, SplitPersonRow.class, String.class)
                        .mapped(Person::id, SplitPersonRow::toPerson, SplitPersonRow::new));
    }

    /** The old model: the name whole. */
    static final class Legacy implements KeyedModel<String, Person> {
        private final Transactions transactions;

        Legacy(SessionFactory sessionFactory) {
            this.transactions = Transactions.of(sessionFactory);
        }

        @Override
        public Transactions transactions() {
            return transactions;
        }

        @Override
        public String keyOf(Person value) {
            return value.id();
        }

        @Override
        public List<Person> page(Session session, String after, int limit) {
            return session.createSelectionQuery("from LegacyPersonRow where :after is null or id > :after order by id",
                            LegacyPersonRow.class)
                    .setParameter("after", after).setMaxResults(limit)
                    .getResultList().stream().map(LegacyPersonRow::toPerson).toList();
        }

        @Override
        public Set<String> present(Session session, Collection<String> keys) {
            return new HashSet<>(session.createSelectionQuery("select id from LegacyPersonRow where id in :keys",
                    String.class).setParameter("keys", keys).getResultList());
        }

        @Override
        public Optional<Person> find(Session session, String key) {
            return Optional.ofNullable(session.find(LegacyPersonRow.class, key)).map(LegacyPersonRow::toPerson);
        }

        @Override
        public int insertAbsent(Session session, List<Person> values) {
            Set<String> present = present(session, values.stream().map(Person::id).toList());
            int written = 0;
            for (Person value : values) {
                if (!present.contains(value.id())) {
                    session.persist(new LegacyPersonRow(value));
                    written++;
                }
            }
            return written;
        }

        @Override
        public void put(Session session, Person value) {
            LegacyPersonRow row = session.find(LegacyPersonRow.class, value.id());
            if (row == null) {
                session.persist(new LegacyPersonRow(value));
            } else {
                row.name = value.name();
            }
        }

        @Override
        public void remove(Session session, String key) {
            LegacyPersonRow row = session.find(LegacyPersonRow.class, key);
            if (row != null) {
                session.remove(row);
            }
        }

        @Override
        public long estimateCount(Session session) {
            return session.createSelectionQuery("select count(*) from LegacyPersonRow", Long.class).getSingleResult();
        }
    }

    /** The new model: the name split in two. Its writes convert, so they throw for what the conversion refuses. */
    static final class Split implements KeyedModel<String, Person> {
        private final Transactions transactions;

        Split(SessionFactory sessionFactory) {
            this.transactions = Transactions.of(sessionFactory);
        }

        @Override
        public Transactions transactions() {
            return transactions;
        }

        @Override
        public String keyOf(Person value) {
            return value.id();
        }

        @Override
        public List<Person> page(Session session, String after, int limit) {
            return session.createSelectionQuery("from SplitPersonRow where :after is null or id > :after order by id",
                            SplitPersonRow.class)
                    .setParameter("after", after).setMaxResults(limit)
                    .getResultList().stream().map(SplitPersonRow::toPerson).toList();
        }

        @Override
        public Set<String> present(Session session, Collection<String> keys) {
            return new HashSet<>(session.createSelectionQuery("select id from SplitPersonRow where id in :keys",
                    String.class).setParameter("keys", keys).getResultList());
        }

        @Override
        public Optional<Person> find(Session session, String key) {
            return Optional.ofNullable(session.find(SplitPersonRow.class, key)).map(SplitPersonRow::toPerson);
        }

        @Override
        public int insertAbsent(Session session, List<Person> values) {
            Set<String> present = present(session, values.stream().map(Person::id).toList());
            int written = 0;
            for (Person value : values) {
                if (!present.contains(value.id())) {
                    session.persist(new SplitPersonRow(value));
                    written++;
                }
            }
            return written;
        }

        @Override
        public void put(Session session, Person value) {
            SplitPersonRow row = session.find(SplitPersonRow.class, value.id());
            if (row == null) {
                session.persist(new SplitPersonRow(value));
            } else {
                row.copy(value);
            }
        }

        @Override
        public void remove(Session session, String key) {
            SplitPersonRow row = session.find(SplitPersonRow.class, key);
            if (row != null) {
                session.remove(row);
            }
        }

        @Override
        public long estimateCount(Session session) {
            return session.createSelectionQuery("select count(*) from SplitPersonRow", Long.class).getSingleResult();
        }
    }
}

package io.dualrepo.hibernate.model;

import io.dualrepo.hibernate.HibernateRepository;
import java.util.Optional;
import org.hibernate.SessionFactory;

/** The old model's person repository. */
public final class LegacyPersons extends HibernateRepository implements PersonRepository {

    public LegacyPersons(SessionFactory sessionFactory) {
        super(sessionFactory);
    }

    @Override
    public Optional<Person> findById(String id) {
        return read(session -> Optional.ofNullable(session.find(LegacyPersonRow.class, id))
                .map(LegacyPersonRow::toPerson));
    }

    @Override
    public void save(Person person) {
        write(session -> {
            LegacyPersonRow row = session.find(LegacyPersonRow.class, person.id());
            if (row == null) {
                session.persist(new LegacyPersonRow(person));
            } else {
                row.name = person.name();
            }
        });
    }

    @Override
    public void deleteById(String id) {
        write(session -> {
            LegacyPersonRow row = session.find(LegacyPersonRow.class, id);
            if (row != null) {
                session.remove(row);
            }
        });
    }
}

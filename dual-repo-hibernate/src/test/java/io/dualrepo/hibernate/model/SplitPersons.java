package io.dualrepo.hibernate.model;

import io.dualrepo.hibernate.HibernateRepository;
import java.util.Optional;
import org.hibernate.SessionFactory;

/** The new model's person repository: first and last name. */
public final class SplitPersons extends HibernateRepository implements PersonRepository {

    public SplitPersons(SessionFactory sessionFactory) {
        super(sessionFactory);
    }

    @Override
    public Optional<Person> findById(String id) {
        return read(session -> Optional.ofNullable(session.find(SplitPersonRow.class, id))
                .map(SplitPersonRow::toPerson));
    }

    @Override
    public void save(Person person) {
        write(session -> {
            SplitPersonRow row = session.find(SplitPersonRow.class, person.id());
            if (row == null) {
                session.persist(new SplitPersonRow(person));
            } else {
                row.copy(person);
            }
        });
    }

    @Override
    public void deleteById(String id) {
        write(session -> {
            SplitPersonRow row = session.find(SplitPersonRow.class, id);
            if (row != null) {
                session.remove(row);
            }
        });
    }
}

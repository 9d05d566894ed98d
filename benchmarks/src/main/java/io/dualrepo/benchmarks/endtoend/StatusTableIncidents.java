package io.dualrepo.benchmarks.endtoend;

import io.dualrepo.hibernate.HibernateRepository;
import java.util.Optional;
import org.hibernate.SessionFactory;

/** The new model over Hibernate: {@code Session.find} with the status joined. */
public final class StatusTableIncidents extends HibernateRepository implements IncidentRepository {

    public StatusTableIncidents(SessionFactory sessions) {
        super(sessions);
    }

    @Override
    public Optional<Incident> findById(long id) {
        return read(session -> Optional.ofNullable(session.find(IncidentRow.class, id)).map(IncidentRow::toIncident));
    }
}

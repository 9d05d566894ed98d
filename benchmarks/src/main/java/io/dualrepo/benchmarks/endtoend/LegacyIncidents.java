package io.dualrepo.benchmarks.endtoend;

import io.dualrepo.hibernate.HibernateRepository;
import java.util.Optional;
import org.hibernate.SessionFactory;

/** The old model over Hibernate: a session, a read-only transaction and {@code Session.find} per read. */
public final class LegacyIncidents extends HibernateRepository implements IncidentRepository {

    public LegacyIncidents(SessionFactory sessions) {
        super(sessions);
    }

    @Override
    public Optional<Incident> findById(long id) {
        return read(session -> Optional.ofNullable(session.find(LegacyIncidentRow.class, id))
                .map(LegacyIncidentRow::toIncident));
    }
}

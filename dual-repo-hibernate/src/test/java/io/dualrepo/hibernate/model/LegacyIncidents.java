package io.dualrepo.hibernate.model;

import io.dualrepo.hibernate.HibernateRepository;
import java.util.Optional;
import org.hibernate.SessionFactory;

/** The old model's repository. */
public final class LegacyIncidents extends HibernateRepository implements IncidentRepository {

    public LegacyIncidents(SessionFactory sessionFactory) {
        super(sessionFactory);
    }

    @Override
    public Optional<Incident> findById(String id) {
        return read(session -> Optional.ofNullable(session.find(LegacyIncidentRow.class, id))
                .map(LegacyIncidentRow::toIncident));
    }

    @Override
    public void save(Incident incident) {
        write(session -> {
            LegacyIncidentRow row = session.find(LegacyIncidentRow.class, incident.id());
            if (row == null) {
                session.persist(new LegacyIncidentRow(incident));
            } else {
                row.copy(incident);
            }
        });
    }

    @Override
    public void deleteById(String id) {
        write(session -> {
            LegacyIncidentRow row = session.find(LegacyIncidentRow.class, id);
            if (row != null) {
                session.remove(row);
            }
        });
    }

    @Override
    public void updateStatus(String id, String status) {
        write(session -> {
            session.createMutationQuery("update LegacyIncidentRow set status = :status where id = :id")
                    .setParameter("status", status).setParameter("id", id).executeUpdate();
        });
    }
}

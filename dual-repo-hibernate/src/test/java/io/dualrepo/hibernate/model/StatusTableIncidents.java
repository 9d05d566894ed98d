package io.dualrepo.hibernate.model;

import io.dualrepo.hibernate.HibernateRepository;
import java.util.Optional;
import org.hibernate.Session;
import org.hibernate.SessionFactory;

/** The new model's repository: statuses by reference. A status the organisation does not have is a write that fails. */
public final class StatusTableIncidents extends HibernateRepository implements IncidentRepository {

    public StatusTableIncidents(SessionFactory sessionFactory) {
        super(sessionFactory);
    }

    @Override
    public Optional<Incident> findById(String id) {
        return read(session -> Optional.ofNullable(session.find(StatusTableIncidentRow.class, id))
                .map(StatusTableIncidentRow::toIncident));
    }

    @Override
    public void save(Incident incident) {
        write(session -> {
            IncidentStatusRow status = statusOf(session, incident);
            StatusTableIncidentRow row = session.find(StatusTableIncidentRow.class, incident.id());
            if (row == null) {
                session.persist(new StatusTableIncidentRow(incident.id(), incident.organisationId(), incident.title(),
                        status));
            } else {
                row.organisationId = incident.organisationId();
                row.title = incident.title();
                row.status = status;
            }
        });
    }

    private static IncidentStatusRow statusOf(Session session, Incident incident) {
        return session.createSelectionQuery(
                        "from IncidentStatusRow where organisationId = :organisation and name = :name",
                        IncidentStatusRow.class)
                .setParameter("organisation", incident.organisationId())
                .setParameter("name", incident.status())
                .uniqueResultOptional()
                .orElseThrow(() -> new IllegalArgumentException(
                        "organisation " + incident.organisationId() + " has no status '" + incident.status() + "'"));
    }

    @Override
    public void deleteById(String id) {
        write(session -> {
            StatusTableIncidentRow row = session.find(StatusTableIncidentRow.class, id);
            if (row != null) {
                session.remove(row);
            }
        });
    }

    @Override
    public void updateStatus(String id, String status) {
        write(session -> {
            StatusTableIncidentRow row = session.find(StatusTableIncidentRow.class, id);
            if (row != null) {
                row.status = statusOf(session, new Incident(id, row.organisationId, row.title, status));
            }
        });
    }
}

package io.dualrepo.hibernate.model;

import io.dualrepo.Side;
import io.dualrepo.hibernate.HibernateRepository;
import java.util.Optional;
import org.hibernate.SessionFactory;

/** Either model of the same-table case: OLD reads and writes {@code status}, NEW {@code incident_status_id}. */
public final class SameTableIncidents extends HibernateRepository implements IncidentRepository {

    private final Side side;

    public SameTableIncidents(SessionFactory sessionFactory, Side side) {
        super(sessionFactory);
        this.side = side;
    }

    @Override
    public Optional<Incident> findById(String id) {
        return read(session -> {
            SharedIncidentRow row = session.find(SharedIncidentRow.class, id);
            if (row == null || (side == Side.OLD ? row.status == null : row.statusId == null)) {
                return Optional.empty();
            }
            String status = side == Side.OLD ? row.status : StatusIds.nameOf(session, row.statusId);
            return Optional.of(new Incident(row.id, row.organisationId, row.title, status));
        });
    }

    @Override
    public void save(Incident incident) {
        write(session -> {
            SharedIncidentRow row = session.find(SharedIncidentRow.class, incident.id());
            if (row == null) {
                row = new SharedIncidentRow(incident.id(), incident.organisationId(), incident.title());
                session.persist(row);
            }
            row.organisationId = incident.organisationId();
            row.title = incident.title();
            if (side == Side.OLD) {
                row.status = incident.status();
            } else {
                row.statusId = StatusIds.byName(session, incident.organisationId(), incident.status()).id;
            }
        });
    }

    @Override
    public void deleteById(String id) {
        // One row holds both models: deleting the incident is deleting the row, whichever model asks.
        write(session -> {
            SharedIncidentRow row = session.find(SharedIncidentRow.class, id);
            if (row != null) {
                session.remove(row);
            }
        });
    }

    @Override
    public void updateStatus(String id, String status) {
        write(session -> {
            SharedIncidentRow row = session.find(SharedIncidentRow.class, id);
            // Only a row this model holds: the new model's column stays null until the backfill fills it.
            if (row != null && side == Side.OLD && row.status != null) {
                row.status = status;
            } else if (row != null && side == Side.NEW && row.statusId != null) {
                row.statusId = StatusIds.byName(session, row.organisationId, status).id;
            }
        });
    }
}

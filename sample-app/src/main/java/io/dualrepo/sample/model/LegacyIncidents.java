package io.dualrepo.sample.model;

import io.dualrepo.hibernate.HibernateRepository;
import io.dualrepo.sample.Incident;
import io.dualrepo.sample.IncidentRepository;
import java.util.List;
import java.util.Optional;
import org.hibernate.SessionFactory;

/** The old model's repository, as the application had it before the migration: the status is text. */
public final class LegacyIncidents extends HibernateRepository implements IncidentRepository {

    public LegacyIncidents(SessionFactory database) {
        super(database);
    }

    @Override
    public Optional<Incident> findById(String id) {
        return read(session -> Optional.ofNullable(session.find(LegacyIncidentRow.class, id))
                .filter(row -> row.status != null)
                .map(LegacyIncidentRow::toIncident));
    }

    @Override
    public List<Incident> findByOrganisation(String organisationId) {
        return read(session -> session.createSelectionQuery(
                        "from LegacyIncidentRow where organisationId = :organisation and status is not null"
                                + " order by id",
                        LegacyIncidentRow.class)
                .setParameter("organisation", organisationId)
                .getResultList().stream().map(LegacyIncidentRow::toIncident).toList());
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
            // The new model's entity maps the same rows; it must see this write within the same transaction.
            session.flush();
        });
    }

    @Override
    public void deleteById(String id) {
        write(session -> {
            LegacyIncidentRow row = session.find(LegacyIncidentRow.class, id);
            if (row != null) {
                session.remove(row);
                session.flush();
            }
        });
    }
}

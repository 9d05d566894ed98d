package io.dualrepo.sample.model;

import io.dualrepo.hibernate.HibernateRepository;
import io.dualrepo.sample.Incident;
import io.dualrepo.sample.IncidentRepository;
import java.util.List;
import java.util.Optional;
import org.hibernate.Session;
import org.hibernate.SessionFactory;

/**
 * The new model's repository: an incident refers to one of its organisation's statuses. A status the organisation
 * does not have is a write that fails.
 *
 * <p>It carries a planted bug, off unless switched on: reading maps the status "monitoring" to "fixing", the kind
 * of slip a hand-written mapping makes and that only comparing the two models' answers catches.
 */
public final class StatusTableIncidents extends HibernateRepository implements IncidentRepository {

    private volatile boolean plantedBug;

    public StatusTableIncidents(SessionFactory database) {
        super(database);
    }

    public void plantBug(boolean planted) {
        this.plantedBug = planted;
    }

    public boolean bugPlanted() {
        return plantedBug;
    }

    @Override
    public Optional<Incident> findById(String id) {
        return read(session -> Optional.ofNullable(session.find(StatusIncidentRow.class, id))
                .filter(row -> row.statusId != null)
                .map(row -> new Incident(row.id, row.organisationId, row.title,
                        displayed(Statuses.nameOf(session, row.heldStatusId())))));
    }

    @Override
    public List<Incident> findByOrganisation(String organisationId) {
        return read(session -> session.createSelectionQuery(
                        "select i.id, i.organisationId, i.title, s.name from StatusIncidentRow i"
                                + " join IncidentStatusRow s on s.id = i.statusId"
                                + " where i.organisationId = :organisation order by i.id",
                        Object[].class)
                .setParameter("organisation", organisationId)
                .getResultList().stream()
                .map(row -> new Incident((String) row[0], (String) row[1], (String) row[2],
                        displayed((String) row[3])))
                .toList());
    }

    private String displayed(String status) {
        return plantedBug && status.equals("monitoring") ? "fixing" : status;
    }

    @Override
    public void save(Incident incident) {
        write(session -> {
            put(session, incident);
            // The old model's entity maps the same rows in one database; it must see this write.
            session.flush();
        });
    }

    static void put(Session session, Incident incident) {
        long statusId = Statuses.idOf(session, incident.organisationId(), incident.status());
        StatusIncidentRow row = session.find(StatusIncidentRow.class, incident.id());
        if (row == null) {
            session.persist(new StatusIncidentRow(incident.id(), incident.organisationId(), incident.title(),
                    statusId));
        } else {
            row.organisationId = incident.organisationId();
            row.title = incident.title();
            row.statusId = statusId;
        }
    }

    @Override
    public void deleteById(String id) {
        // In one table both models hold the same row, so deleting the incident deletes the row whichever model asks.
        write(session -> {
            StatusIncidentRow row = session.find(StatusIncidentRow.class, id);
            if (row != null) {
                session.remove(row);
                session.flush();
            }
        });
    }
}

package io.dualrepo.sample.spring.model;

import io.dualrepo.sample.spring.Incident;
import jakarta.persistence.EntityManager;
import java.util.Objects;

/**
 * The mapping between the models and {@link Incident}, shared by the repositories (through Spring's transactional
 * {@code EntityManager}) and by the backfill and the verifier (through their Hibernate {@code Session}, which is
 * an {@code EntityManager} too).
 */
public final class IncidentMapping {

    private IncidentMapping() {}

    // The models' queries load only the rows each holds, those whose own status column is set (IncidentModels).
    static Incident toIncident(LegacyIncidentRow row) {
        return new Incident(row.id, row.organisationId, row.title, Objects.requireNonNull(row.status, "status"));
    }

    static LegacyIncidentRow toLegacyRow(Incident incident) {
        return new LegacyIncidentRow(incident.id(), incident.organisationId(), incident.title(), incident.status());
    }

    static Incident toIncident(EntityManager entityManager, StatusIncidentRow row) {
        Long statusId = Objects.requireNonNull(row.statusId, "statusId");
        IncidentStatusRow status = entityManager.find(IncidentStatusRow.class, statusId);
        if (status == null) {
            throw new IllegalStateException("no incident status " + statusId);
        }
        return new Incident(row.id, row.organisationId, row.title, status.name);
    }

    static StatusIncidentRow toStatusRow(EntityManager entityManager, Incident incident) {
        long statusId = entityManager.createQuery("select s.id from IncidentStatusRow s"
                        + " where s.organisationId = :organisation and s.name = :name", Long.class)
                .setParameter("organisation", incident.organisationId())
                .setParameter("name", incident.status())
                .getResultStream().findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "organisation " + incident.organisationId() + " has no status '" + incident.status() + "'"));
        return new StatusIncidentRow(incident.id(), incident.organisationId(), incident.title(), statusId);
    }
}

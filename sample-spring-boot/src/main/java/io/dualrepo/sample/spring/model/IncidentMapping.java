package io.dualrepo.sample.spring.model;

import io.dualrepo.sample.spring.Incident;
import jakarta.persistence.EntityManager;

/**
 * The mapping between the models and {@link Incident}, shared by the repositories (through Spring's transactional
 * {@code EntityManager}) and by the backfill and the verifier (through their Hibernate {@code Session}, which is
 * an {@code EntityManager} too).
 */
public final class IncidentMapping {

    private IncidentMapping() {}

    static Incident toIncident(LegacyIncidentRow row) {
        return new Incident(row.id, row.organisationId, row.title, row.status);
    }

    static LegacyIncidentRow toLegacyRow(Incident incident) {
        return new LegacyIncidentRow(incident.id(), incident.organisationId(), incident.title(), incident.status());
    }

    static Incident toIncident(EntityManager entityManager, StatusIncidentRow row) {
        IncidentStatusRow status = entityManager.find(IncidentStatusRow.class, row.statusId);
        if (status == null) {
            throw new IllegalStateException("no incident status " + row.statusId);
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

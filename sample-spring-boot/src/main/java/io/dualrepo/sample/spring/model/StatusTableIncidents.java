package io.dualrepo.sample.spring.model;

import io.dualrepo.sample.spring.Incident;
import io.dualrepo.sample.spring.IncidentRepository;
import io.dualrepo.spring.NewModel;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Glue: the new model's Spring Data repository behind {@link IncidentRepository}. Transactional so that the status
 * lookups of the mapping and the row's read or write share one transaction.
 */
@Repository
@NewModel
@Transactional
class StatusTableIncidents implements IncidentRepository {

    private final StatusIncidentRows rows;
    private final EntityManager entityManager;

    StatusTableIncidents(StatusIncidentRows rows, EntityManager entityManager) {
        this.rows = rows;
        this.entityManager = entityManager;
    }

    @Override
    public Optional<Incident> findById(String id) {
        return rows.findByIdAndStatusIdIsNotNull(id).map(row -> IncidentMapping.toIncident(entityManager, row));
    }

    @Override
    public List<Incident> findByOrganisation(String organisationId) {
        return rows.findByOrganisationIdAndStatusIdIsNotNullOrderById(organisationId).stream()
                .map(row -> IncidentMapping.toIncident(entityManager, row)).toList();
    }

    @Override
    public void save(Incident incident) {
        rows.save(IncidentMapping.toStatusRow(entityManager, incident));
    }
}

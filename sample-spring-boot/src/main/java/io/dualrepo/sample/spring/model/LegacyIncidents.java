package io.dualrepo.sample.spring.model;

import io.dualrepo.sample.spring.Incident;
import io.dualrepo.sample.spring.IncidentRepository;
import io.dualrepo.spring.OldModel;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Repository;

/** Glue: the old model's Spring Data repository behind {@link IncidentRepository}. */
@Repository
@OldModel
class LegacyIncidents implements IncidentRepository {

    private final LegacyIncidentRows rows;

    LegacyIncidents(LegacyIncidentRows rows) {
        this.rows = rows;
    }

    @Override
    public Optional<Incident> findById(String id) {
        return rows.findByIdAndStatusIsNotNull(id).map(IncidentMapping::toIncident);
    }

    @Override
    public List<Incident> findByOrganisation(String organisationId) {
        return rows.findByOrganisationIdAndStatusIsNotNullOrderById(organisationId).stream()
                .map(IncidentMapping::toIncident).toList();
    }

    @Override
    public void save(Incident incident) {
        rows.save(IncidentMapping.toLegacyRow(incident));
    }
}

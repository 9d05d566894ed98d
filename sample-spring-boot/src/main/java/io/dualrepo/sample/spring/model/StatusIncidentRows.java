package io.dualrepo.sample.spring.model;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

/** The new model's Spring Data repository over {@code incidents}: rows whose status refers to the status table. */
public interface StatusIncidentRows extends JpaRepository<StatusIncidentRow, String> {

    // A row not migrated yet has no status reference: the new model does not hold it.
    Optional<StatusIncidentRow> findByIdAndStatusIdIsNotNull(String id);

    List<StatusIncidentRow> findByOrganisationIdAndStatusIdIsNotNullOrderById(String organisationId);
}

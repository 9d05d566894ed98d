package io.dualrepo.sample.spring.model;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

/** The old model's Spring Data repository, as the application had it before the migration. */
public interface LegacyIncidentRows extends JpaRepository<LegacyIncidentRow, String> {

    // A row the new model wrote alone (reads on NEW, old write not yet done) has no status: not the old model's.
    Optional<LegacyIncidentRow> findByIdAndStatusIsNotNull(String id);

    List<LegacyIncidentRow> findByOrganisationIdAndStatusIsNotNullOrderById(String organisationId);
}

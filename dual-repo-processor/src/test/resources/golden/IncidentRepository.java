package com.example.incidents;

import io.dualrepo.Compare;
import io.dualrepo.DualModel;
import io.dualrepo.ReadThrough;
import io.dualrepo.RoutingKey;
import java.util.List;
import java.util.Optional;

/** The example of the docs: docs/generated/DualIncidentRepository.java is what the processor generates for it. */
@DualModel("incidents")
public interface IncidentRepository {

    /** Under read-through, an incident found only in the old model is copied into the new one as it is read. */
    @ReadThrough(copyWith = "save")
    Optional<Incident> findById(String id);

    /** Routed per organisation, so that one organisation's reads move to the new model all at once. */
    @Compare(unordered = true, ignoreFields = "updatedAt")
    List<Incident> findByOrganisation(@RoutingKey String organisationId);

    long countByStatus(String status);

    void save(Incident incident);

    /** The caller's Iterable may iterate only once: the decorator copies it, and both models get the copy. */
    void saveAll(Iterable<Incident> incidents);

    void deleteById(String id);
}

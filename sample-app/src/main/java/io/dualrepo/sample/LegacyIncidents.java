package io.dualrepo.sample;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The old model: the status is a free-text column on the incident row. */
final class LegacyIncidents implements IncidentRepository {

    /** One row of the old {@code incidents} table. */
    record Row(String id, String organisationId, String title, String status) {}

    final Map<String, Row> rows = new ConcurrentHashMap<>();

    @Override
    public Optional<Incident> findById(String id) {
        return Optional.ofNullable(rows.get(id)).map(LegacyIncidents::toIncident);
    }

    @Override
    public List<Incident> findByOrganisation(String organisationId) {
        return rows.values().stream()
                .filter(row -> row.organisationId().equals(organisationId))
                .map(LegacyIncidents::toIncident)
                .sorted(Comparator.comparing(Incident::id))
                .toList();
    }

    @Override
    public void save(Incident incident) {
        rows.put(incident.id(), new Row(incident.id(), incident.organisationId(), incident.title(), incident.status()));
    }

    @Override
    public void deleteById(String id) {
        rows.remove(id);
    }

    private static Incident toIncident(Row row) {
        return new Incident(row.id(), row.organisationId(), row.title(), row.status());
    }
}

package io.dualrepo.sample;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The new model: each organisation has its own statuses table, and an incident row points at a status by id.
 * It carries a planted mapping bug that the shadow comparison is meant to catch.
 */
final class StatusTableIncidents implements IncidentRepository {

    /** One row of the new {@code incidents} table: a status id instead of the text. */
    record Row(String id, String organisationId, String title, long statusId) {}

    /** One row of {@code incident_statuses}. */
    record Status(long id, String organisationId, String name) {}

    static final List<String> DEFAULT_STATUSES = List.of("investigating", "fixing", "monitoring", "closed");

    final Map<String, Row> rows = new ConcurrentHashMap<>();
    final Map<Long, Status> statuses = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Long>> statusIdsByOrganisation = new ConcurrentHashMap<>();
    private long nextStatusId = 1;

    /** When set, "monitoring" is read back as "fixing": the kind of slip a hand-written mapping makes. */
    volatile boolean plantedBug;

    private synchronized long statusId(String organisationId, String name) {
        Map<String, Long> ids = statusIdsByOrganisation.computeIfAbsent(organisationId, org -> {
            Map<String, Long> created = new ConcurrentHashMap<>();
            for (String status : DEFAULT_STATUSES) {
                long id = nextStatusId++;
                statuses.put(id, new Status(id, org, status));
                created.put(status, id);
            }
            return created;
        });
        Long id = ids.get(name);
        if (id == null) {
            throw new IllegalArgumentException("organisation " + organisationId + " has no status '" + name + "'");
        }
        return id;
    }

    @Override
    public Optional<Incident> findById(String id) {
        return Optional.ofNullable(rows.get(id)).map(this::toIncident);
    }

    @Override
    public List<Incident> findByOrganisation(String organisationId) {
        return rows.values().stream()
                .filter(row -> row.organisationId().equals(organisationId))
                .map(this::toIncident)
                .sorted(Comparator.comparing(Incident::id))
                .toList();
    }

    @Override
    public void save(Incident incident) {
        long statusId = statusId(incident.organisationId(), incident.status());
        rows.put(incident.id(), new Row(incident.id(), incident.organisationId(), incident.title(), statusId));
    }

    @Override
    public void deleteById(String id) {
        rows.remove(id);
    }

    private Incident toIncident(Row row) {
        String status = statuses.get(row.statusId()).name();
        if (plantedBug && status.equals("monitoring")) {
            status = "fixing";
        }
        return new Incident(row.id(), row.organisationId(), row.title(), status);
    }
}

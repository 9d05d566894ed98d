package io.dualrepo.benchmarks.backfill;

import io.dualrepo.hibernate.EntityModel;
import io.dualrepo.hibernate.KeyType;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.Transactions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hibernate.Session;

/**
 * The benchmark's migration with both models built from the mappings ({@link EntityModel}): what a user writes is
 * the conversions, here with a status cache like the hand-written model's (one query per organisation on a miss;
 * sound for the reason {@link StatusTableIncidents} gives).
 */
public final class MappedIncidents {

    private final Map<String, Map<String, Long>> idsByName = new ConcurrentHashMap<>();
    private final Map<Long, String> namesById = new ConcurrentHashMap<>();

    private MappedIncidents() {}

    public static Migration<Long, Incident> migration(Transactions transactions) {
        MappedIncidents statuses = new MappedIncidents();
        return Migration.of("incidents", KeyType.LONG,
                EntityModel.of(transactions, LegacyIncidentRow.class, Long.class).readOnly(Incident::id,
                        row -> new Incident(row.id, row.organisationId, row.title, row.status)),
                EntityModel.of(transactions, IncidentV2Row.class, Long.class).mappedWithSession(Incident::id,
                        (session, row) -> new Incident(row.id, row.organisationId, row.title,
                                statuses.name(session, row.organisationId, row.statusId)),
                        (session, incident) -> new IncidentV2Row(incident.id(), incident.organisationId(),
                                incident.title(), statuses.id(session, incident.organisationId(), incident.status()))));
    }

    private long id(Session session, String organisation, String name) {
        Long id = organisation(session, organisation).get(name);
        if (id == null) {
            throw new IllegalStateException("organisation " + organisation + " has no status '" + name + "'");
        }
        return id;
    }

    private String name(Session session, String organisation, long id) {
        organisation(session, organisation);
        String name = namesById.get(id);
        if (name == null) {
            throw new IllegalStateException("organisation " + organisation + " has no status with id " + id);
        }
        return name;
    }

    private Map<String, Long> organisation(Session session, String organisation) {
        return idsByName.computeIfAbsent(organisation, key -> {
            Map<String, Long> ids = new ConcurrentHashMap<>();
            for (Object[] row : session.createNativeQuery(
                            "select id, name from incident_statuses where organisation_id = :organisation",
                            Object[].class)
                    .setParameter("organisation", key).getResultList()) {
                long id = ((Number) row[0]).longValue();
                ids.put((String) row[1], id);
                namesById.put(id, (String) row[1]);
            }
            return ids;
        });
    }
}

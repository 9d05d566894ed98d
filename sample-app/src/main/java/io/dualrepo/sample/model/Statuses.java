package io.dualrepo.sample.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.Session;

/** The new model's status table, as its repository and backfills use it. */
public final class Statuses {

    /** The statuses every organisation starts with: the values the old model's text column held. */
    public static final Map<String, String> DEFAULTS = defaults();

    /** The default status names, in their usual order. */
    public static final List<String> NAMES = List.copyOf(DEFAULTS.keySet());

    private Statuses() {}

    private static Map<String, String> defaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("investigating", "Looking for the cause");
        defaults.put("fixing", "Cause known, fix under way");
        defaults.put("monitoring", "Fix deployed, watching that it holds");
        defaults.put("closed", "Resolved");
        return Collections.unmodifiableMap(defaults);
    }

    static long idOf(Session session, String organisationId, String name) {
        return session.createSelectionQuery(
                        "select id from IncidentStatusRow where organisationId = :organisation and name = :name",
                        Long.class)
                .setParameter("organisation", organisationId)
                .setParameter("name", name)
                .uniqueResultOptional()
                .orElseThrow(() -> new IllegalArgumentException(
                        "organisation " + organisationId + " has no status '" + name + "'"));
    }

    static String nameOf(Session session, long id) {
        IncidentStatusRow status = session.find(IncidentStatusRow.class, id);
        if (status == null) {
            throw new IllegalStateException("no incident status " + id);
        }
        return status.name;
    }

    /** Creates the default statuses an organisation lacks; returns how many it created. */
    static int createDefaults(Session session, String organisationId) {
        List<String> existing = session.createSelectionQuery(
                        "select name from IncidentStatusRow where organisationId = :organisation", String.class)
                .setParameter("organisation", organisationId)
                .getResultList();
        int created = 0;
        for (Map.Entry<String, String> status : DEFAULTS.entrySet()) {
            if (!existing.contains(status.getKey())) {
                session.persist(new IncidentStatusRow(organisationId, status.getKey(), status.getValue()));
                created++;
            }
        }
        return created;
    }
}

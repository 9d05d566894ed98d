package io.dualrepo.hibernate.model;

import java.util.List;
import org.hibernate.Session;

/** The new model's status table, as both new-model variants use it. */
public final class StatusIds {

    public static final List<String> DEFAULTS = List.of("investigating", "fixing", "monitoring", "closed");

    private StatusIds() {}

    /** Creates the four default statuses of each organisation; ids are organisation index * 10 + position. */
    public static void createDefaults(Session session, List<String> organisations) {
        for (int o = 0; o < organisations.size(); o++) {
            for (int s = 0; s < DEFAULTS.size(); s++) {
                session.persist(new IncidentStatusRow(o * 10L + s + 1, organisations.get(o), DEFAULTS.get(s)));
            }
        }
    }

    static IncidentStatusRow byName(Session session, String organisationId, String name) {
        return session.createSelectionQuery(
                        "from IncidentStatusRow where organisationId = :organisation and name = :name",
                        IncidentStatusRow.class)
                .setParameter("organisation", organisationId)
                .setParameter("name", name)
                .uniqueResultOptional()
                .orElseThrow(() -> new IllegalArgumentException(
                        "organisation " + organisationId + " has no status '" + name + "'"));
    }

    static String nameOf(Session session, Long id) {
        return session.find(IncidentStatusRow.class, id).name;
    }
}

package io.dualrepo.sample.model;

import io.dualrepo.hibernate.EntityModel;
import io.dualrepo.hibernate.KeyType;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.sample.Incident;
import org.hibernate.SessionFactory;

/**
 * The incident models as the backfill, the verifier and the repair see them, built from the entities' mappings:
 * only the conversions are written here. Incident ids are UUIDs held as text, which the models page in Java's
 * order. In one table, each model holds a row when its own column is set ({@code status}, {@code
 * incident_status_id}): a row the new model wrote alone has no status.
 */
public final class IncidentModels {

    private IncidentModels() {}

    public static Migration<String, Incident> migration(SessionFactory oldDatabase, SessionFactory newDatabase,
            Layout layout) {
        var oldRows = EntityModel.of(oldDatabase, LegacyIncidentRow.class, String.class);
        var newRows = EntityModel.of(newDatabase, StatusIncidentRow.class, String.class);
        if (layout == Layout.SAME_TABLE) {
            oldRows = oldRows.sameTableAs(StatusIncidentRow.class);
            newRows = newRows.sameTableAs(LegacyIncidentRow.class);
        }
        return Migration.of("incidents", KeyType.STRING,
                oldRows.mapped(Incident::id, LegacyIncidentRow::toIncident, LegacyIncidentRow::new),
                newRows.mappedWithSession(Incident::id,
                        (session, row) -> new Incident(row.id, row.organisationId, row.title,
                                Statuses.nameOf(session, row.heldStatusId())),
                        (session, incident) -> new StatusIncidentRow(incident.id(), incident.organisationId(),
                                incident.title(), Statuses.idOf(session, incident.organisationId(),
                                incident.status()))));
    }
}

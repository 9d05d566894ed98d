package io.dualrepo.sample.spring.model;

import jakarta.persistence.EntityManager;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creates organisations. Since the expand migration (V2) the new model's status table exists, so a new
 * organisation gets the default statuses at once; V2 gave them to the organisations that existed before.
 */
@Service
public class Organisations {

    /** The statuses every organisation starts with: the values the old model's text column held. */
    public static final Map<String, String> DEFAULT_STATUSES = defaults();

    private final EntityManager entityManager;

    Organisations(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    private static Map<String, String> defaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("investigating", "Looking for the cause");
        defaults.put("fixing", "Cause known, fix under way");
        defaults.put("monitoring", "Fix deployed, watching that it holds");
        defaults.put("closed", "Resolved");
        return Collections.unmodifiableMap(defaults);
    }

    @Transactional
    public void create(String id, String name) {
        entityManager.persist(new OrganisationRow(id, name));
        DEFAULT_STATUSES.forEach((status, description) ->
                entityManager.persist(new IncidentStatusRow(id, status, description)));
    }
}

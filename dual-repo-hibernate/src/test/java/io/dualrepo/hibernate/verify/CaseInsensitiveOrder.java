package io.dualrepo.hibernate.verify;

import io.dualrepo.hibernate.KeyedModel;
import io.dualrepo.hibernate.Transactions;
import io.dualrepo.hibernate.model.Incident;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hibernate.Session;

/**
 * The old model as it would page in a case-insensitive collation: by {@code lower(id)}, where Java sorts
 * {@code "B-1"} before {@code "a-2"} and the database after. Everything but the order is the real model's.
 */
final class CaseInsensitiveOrder implements KeyedModel<String, Incident> {

    private final KeyedModel<String, Incident> model;

    CaseInsensitiveOrder(KeyedModel<String, Incident> model) {
        this.model = model;
    }

    @Override
    public Transactions transactions() {
        return model.transactions();
    }

    @Override
    public String keyOf(Incident value) {
        return value.id();
    }

    @Override
    public List<Incident> page(Session session, String after, int limit) {
        // Two queries rather than ":after is null or ...": PostgreSQL cannot type a null inside lower().
        var query = session.createSelectionQuery("select id, organisationId, title, status from LegacyIncidentRow"
                + (after == null ? "" : " where lower(id) > lower(:after)") + " order by lower(id)", Object[].class);
        if (after != null) {
            query.setParameter("after", after);
        }
        return query.setMaxResults(limit).getResultList().stream()
                .map(row -> new Incident((String) row[0], (String) row[1], (String) row[2], (String) row[3]))
                .toList();
    }

    @Override
    public Set<String> present(Session session, Collection<String> keys) {
        return model.present(session, keys);
    }

    @Override
    public Optional<Incident> find(Session session, String key) {
        return model.find(session, key);
    }

    @Override
    public int insertAbsent(Session session, List<Incident> values) {
        return model.insertAbsent(session, values);
    }

    @Override
    public void put(Session session, Incident value) {
        model.put(session, value);
    }

    @Override
    public void remove(Session session, String key) {
        model.remove(session, key);
    }
}

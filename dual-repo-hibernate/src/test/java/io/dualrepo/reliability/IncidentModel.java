package io.dualrepo.reliability;

import io.dualrepo.Side;
import io.dualrepo.hibernate.Transactions;
import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.model.IncidentRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One model of the incidents (a store's OLD or NEW) seen through {@link TenantIncidents} and {@link
 * ReadThroughIncidents}, counting the calls that reached it, so that a scenario can show which model answered.
 */
final class IncidentModel implements TenantIncidents, ReadThroughIncidents {

    private final IncidentRepository model;
    private final Transactions transactions;
    private final String entity;
    /** Tenant reads this model answered, by organisation. */
    final Map<String, AtomicLong> tenantReads = new ConcurrentHashMap<>();
    final AtomicLong writes = new AtomicLong();

    long tenantReads(String organisationId) {
        AtomicLong reads = tenantReads.get(organisationId);
        return reads == null ? 0 : reads.get();
    }

    IncidentModel(Stores stores, Side side) {
        this.model = side == Side.OLD ? stores.oldRepository() : stores.newRepository();
        this.transactions = Transactions.of(side == Side.OLD ? stores.oldSessions : stores.newSessions);
        this.entity = side == Side.OLD ? "LegacyIncidentRow" : "StatusTableIncidentRow";
    }

    @Override
    public List<Incident> findByOrganisation(String organisationId) {
        tenantReads.computeIfAbsent(organisationId, organisation -> new AtomicLong()).incrementAndGet();
        List<String> ids = transactions.read(session -> session.createSelectionQuery(
                        "select id from " + entity + " where organisationId = :organisation order by id", String.class)
                .setParameter("organisation", organisationId).getResultList());
        List<Incident> found = new ArrayList<>();
        for (String id : ids) {
            // Deleted since the query: no incident is deleted in the tenant scenario, but a read must not throw.
            model.findById(id).ifPresent(found::add);
        }
        return found;
    }

    @Override
    public Optional<Incident> findById(String id) {
        return model.findById(id);
    }

    @Override
    public void save(Incident incident) {
        writes.incrementAndGet();
        model.save(incident);
    }

    @Override
    public void deleteById(String id) {
        writes.incrementAndGet();
        model.deleteById(id);
    }
}

package io.dualrepo.hibernate.durable;

import io.dualrepo.hibernate.KeyedModel;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.Transactions;
import io.dualrepo.hibernate.model.Incident;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.hibernate.Session;

/** A model that runs a hook after each of its reads, to place another write exactly inside a sync. */
final class AfterFind implements KeyedModel<String, Incident> {
    private final KeyedModel<String, Incident> model;
    private final IntConsumer hook;
    private final AtomicInteger calls = new AtomicInteger();

    /** The databases' migration with OLD running {@code hook} (given the call's number, from 1) after each read. */
    static Migration<String, Incident> onOld(TwoDatabases databases, IntConsumer hook) {
        Migration<String, Incident> migration = databases.migration;
        return Migration.of(migration.name(), migration.keyType(), new AfterFind(migration.oldModel(), hook),
                migration.newModel());
    }

    AfterFind(KeyedModel<String, Incident> model, IntConsumer hook) {
        this.model = model;
        this.hook = hook;
    }

    @Override
    public Optional<Incident> find(Session session, String key) {
        Optional<Incident> found = model.find(session, key);
        hook.accept(calls.incrementAndGet());
        return found;
    }

    @Override
    public Transactions transactions() {
        return model.transactions();
    }

    @Override
    public String keyOf(Incident value) {
        return model.keyOf(value);
    }

    @Override
    public List<Incident> page(Session session, String after, int limit) {
        return model.page(session, after, limit);
    }

    @Override
    public Set<String> present(Session session, Collection<String> keys) {
        return model.present(session, keys);
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

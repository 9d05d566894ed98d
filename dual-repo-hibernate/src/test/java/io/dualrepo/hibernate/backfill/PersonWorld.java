package io.dualrepo.hibernate.backfill;

import io.dualrepo.ComparisonMode;
import io.dualrepo.DualRepo;
import io.dualrepo.Side;
import io.dualrepo.hibernate.KeyedModel;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.SameDatabaseScope;
import io.dualrepo.hibernate.TestDatabase;
import io.dualrepo.hibernate.durable.CrossDatabaseScope;
import io.dualrepo.hibernate.durable.PendingSyncRepair;
import io.dualrepo.hibernate.durable.WriteKeys;
import io.dualrepo.hibernate.model.DualPersonRepository;
import io.dualrepo.hibernate.model.LegacyPersonRow;
import io.dualrepo.hibernate.model.LegacyPersons;
import io.dualrepo.hibernate.model.Person;
import io.dualrepo.hibernate.model.PersonModels;
import io.dualrepo.hibernate.model.PersonRepository;
import io.dualrepo.hibernate.model.SplitPersonRow;
import io.dualrepo.hibernate.model.SplitPersons;
import io.dualrepo.hibernate.quarantine.Quarantine;
import io.dualrepo.hibernate.quarantine.QuarantinedRow;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.Stage;
import io.dualrepo.write.DualWriteScope;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hibernate.SessionFactory;

/**
 * The person migration ({@code persons.name} to {@code persons_v2.first_name, last_name}) on test databases, with
 * old rows the new model rejects mixed among good ones, a dual-writing repository with durable repair, and readers
 * for the quarantine.
 */
public final class PersonWorld implements AutoCloseable {

    public enum Layout {
        /** Both tables behind one session factory; dual writes in one transaction, the second in a savepoint. */
        ONE_DATABASE,
        /** Each model in a database of its own; dual writes through {@link CrossDatabaseScope}. */
        TWO_DATABASES
    }

    /** Who describes the two tables to the backfill, the verifier and the repair. */
    public enum Models {
        /** Hand-written {@code KeyedModel}s ({@code PersonModels}' own classes). */
        HAND_WRITTEN,
        /** Built from the entities' mappings ({@code EntityModel}). */
        MAPPED
    }

    /** How a seeded row is bad, and so what the new model throws for it. */
    public enum Bad {
        /** No name: the conversion throws a NullPointerException. */
        NULL_NAME,
        /** A first name longer than the new column: SQLState 22001 (value too long). */
        TOO_LONG,
        /** One word, no last name for a not-null column: SQLState 23502. */
        ONE_WORD
    }

    /** Every bad value holds this, so that a test can look for it in logs and tables. */
    public static final String SECRET = "Secret";

    public static final WriteKeys<String> KEYS = WriteKeys.<String>builder()
            .on("save", arguments -> ((Person) arguments.get(0)).id())
            .on("deleteById", arguments -> (String) arguments.get(0))
            .build();

    public final Layout layout;
    public final TestDatabase oldDatabase;
    public final TestDatabase newDatabase;
    public final SessionFactory oldSessions;
    public final SessionFactory newSessions;
    public final Migration<String, Person> migration;
    private final InMemoryRouteSource routes = InMemoryRouteSource.create();
    private DualRepo dualRepo;
    private PendingSyncRepair repair;

    private PersonWorld(Layout layout) {
        this(layout, Models.HAND_WRITTEN);
    }

    private PersonWorld(Layout layout, Models models) {
        this.layout = layout;
        if (layout == Layout.ONE_DATABASE) {
            oldDatabase = TestDatabase.create();
            newDatabase = oldDatabase;
            oldSessions = oldDatabase.sessionFactory(LegacyPersonRow.class, SplitPersonRow.class);
            newSessions = oldSessions;
        } else {
            oldDatabase = TestDatabase.create();
            newDatabase = TestDatabase.create();
            oldSessions = oldDatabase.sessionFactory(LegacyPersonRow.class);
            newSessions = newDatabase.sessionFactory(SplitPersonRow.class);
        }
        migration = models == Models.MAPPED ? PersonModels.mapped(oldSessions, newSessions)
                : PersonModels.of(oldSessions, newSessions);
    }

    public static PersonWorld create(Layout layout) {
        return new PersonWorld(layout);
    }

    public static PersonWorld create(Layout layout, Models models) {
        return new PersonWorld(layout, models);
    }

    public static String key(int i) {
        return String.format(Locale.ROOT, "p-%05d", i);
    }

    public static Person good(int i) {
        return new Person(key(i), "Ada" + i + " Lovelace");
    }

    public static Person bad(int i, Bad how) {
        String name = switch (how) {
            case NULL_NAME -> null;
            case TOO_LONG -> SECRET + "x".repeat(150) + i + " Byron";
            case ONE_WORD -> SECRET + "mononym" + i;
        };
        return new Person(key(i), name);
    }

    /**
     * Seeds {@code count} old rows at even keys ({@code p-00000}, {@code p-00002}, ...); the rows at the positions
     * {@code bad} names are bad, the others good. Odd keys are free for new rows.
     */
    public void seed(int count, Map<Integer, Bad> bad) {
        List<Person> persons = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            Bad how = bad.get(n);
            persons.add(how == null ? good(2 * n) : bad(2 * n, how));
        }
        insertOld(persons);
    }

    /** Bad rows every {@code every} positions, cycling through the kinds: their keys, with how each is bad. */
    public static Map<Integer, Bad> badEvery(int count, int every, int offset) {
        Map<Integer, Bad> bad = new LinkedHashMap<>();
        for (int n = offset, k = 0; n < count; n += every, k++) {
            bad.put(n, Bad.values()[k % Bad.values().length]);
        }
        return bad;
    }

    private void insertOld(List<Person> persons) {
        try (Connection connection = oldDatabase.connect();
                PreparedStatement insert = connection.prepareStatement(
                        "insert into persons (id, name) values (?, ?)")) {
            for (Person person : persons) {
                insert.setString(1, person.id());
                insert.setString(2, person.name());
                insert.addBatch();
            }
            insert.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sets names in the old model only, as a fix made by hand in the old database. */
    public void fixInOld(Map<String, String> names) {
        try (Connection connection = oldDatabase.connect();
                PreparedStatement update = connection.prepareStatement("update persons set name = ? where id = ?")) {
            for (Map.Entry<String, String> entry : names.entrySet()) {
                update.setString(1, entry.getValue());
                update.setString(2, entry.getKey());
                update.addBatch();
            }
            update.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A migration whose models are these wrappers around this world's. */
    public Migration<String, Person> migration(KeyedModel<String, Person> oldModel,
            KeyedModel<String, Person> newModel) {
        return Migration.of(migration.name(), migration.keyType(), oldModel, newModel);
    }

    /** Dual writes in DUAL_WRITE through the generated decorator, each key recorded for the repair. */
    public PersonRepository dualRepository() {
        if (dualRepo == null) {
            routes.set("persons", Stage.DUAL_WRITE);
            DualWriteScope scope = layout == Layout.ONE_DATABASE
                    ? SameDatabaseScope.builder(oldSessions).migration(migration, KEYS).build()
                    : CrossDatabaseScope.builder().migration(migration, KEYS).meterRegistry(new SimpleMeterRegistry())
                            .build();
            dualRepo = DualRepo.builder().routeSource(routes).meterRegistry(new SimpleMeterRegistry())
                    .dualWriteScope(scope).comparisonMode(ComparisonMode.SYNC).build();
        }
        return new DualPersonRepository(new LegacyPersons(oldSessions), new SplitPersons(newSessions), dualRepo);
    }

    /** The pending-sync repair of this migration. */
    public PendingSyncRepair repair() {
        if (repair == null) {
            repair = PendingSyncRepair.builder().migration(migration).meterRegistry(new SimpleMeterRegistry())
                    .build();
        }
        return repair;
    }

    public List<Person> oldRows() {
        return rows(Side.OLD);
    }

    public List<Person> newRows() {
        return rows(Side.NEW);
    }

    private List<Person> rows(Side side) {
        var model = migration.model(side);
        List<Person> rows = new ArrayList<>();
        String after = null;
        while (true) {
            String from = after;
            List<Person> page = model.transactions().read(session -> model.page(session, from, 1000));
            rows.addAll(page);
            if (page.isEmpty()) {
                return rows;
            }
            after = page.get(page.size() - 1).id();
        }
    }

    /** The quarantine in the new model's database, by key. */
    public Map<String, QuarantinedRow> quarantine() {
        Map<String, QuarantinedRow> rows = new LinkedHashMap<>();
        for (QuarantinedRow row : Quarantine.rows(newSessions, "persons", 100_000)) {
            rows.put(row.key(), row);
        }
        return rows;
    }

    @Override
    public void close() throws SQLException {
        if (repair != null) {
            repair.close();
        }
        if (dualRepo != null) {
            dualRepo.close();
        }
        oldSessions.close();
        if (newSessions != oldSessions) {
            newSessions.close();
        }
        oldDatabase.close();
        if (newDatabase != oldDatabase) {
            newDatabase.close();
        }
    }
}

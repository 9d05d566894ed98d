package io.dualrepo.hibernate.mapped;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dualrepo.Side;
import io.dualrepo.hibernate.EntityModel;
import io.dualrepo.hibernate.KeyType;
import io.dualrepo.hibernate.KeyedModel;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.TestDatabase;
import io.dualrepo.hibernate.backfill.Backfill;
import io.dualrepo.hibernate.backfill.BackfillException;
import io.dualrepo.hibernate.backfill.BackfillResult;
import io.dualrepo.hibernate.verify.VerificationResult;
import io.dualrepo.hibernate.verify.Verifier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The name split ({@code users.name} to {@code first_name}/{@code last_name}) through models built from the
 * mappings alone, on H2 or PostgreSQL (-Ppostgresql): the backfill copies, the verifier finds the names the split
 * does not bring back, and the repair puts back what was damaged, in a table of its own and in the old table with
 * a marker.
 */
class MappedModelTest {

    private static final int USERS = 600;
    private static final String SHARED_ROWS = "select id, name, first_name, last_name,"
            + " case when migrated then 'yes' else 'no' end from users where id in (";

    private final List<TestDatabase> databases = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (TestDatabase database : databases) {
            database.close();
        }
    }

    @Test
    void twoTablesBackfillVerifyAndRepairThroughTheMapping() {
        TestDatabase oldDb = database();
        TestDatabase newDb = database();
        SessionFactory oldFactory = oldDb.sessionFactory(UserRow.class);
        SessionFactory newFactory = newDb.sessionFactory(SplitUserRow.class);
        Map<Long, String> names = seed(oldFactory);
        Migration<Long, User> migration = Migration.of("users", KeyType.LONG,
                EntityModel.of(oldFactory, UserRow.class, Long.class).readOnly(User::id, UserRow::toUser),
                EntityModel.of(newFactory, SplitUserRow.class, Long.class)
                        .mapped(User::id, SplitUserRow::toUser, SplitUserRow::of));

        BackfillResult copied = Backfill.builder(migration).batchSize(100).meterRegistry(registry()).build().run();
        BackfillResult again = Backfill.builder(migration).batchSize(100).restart().meterRegistry(registry())
                .build().run();

        assertThat(copied).extracting(BackfillResult::finished, BackfillResult::rowsScanned,
                BackfillResult::rowsWritten).containsExactly(true, (long) USERS, (long) USERS);
        assertThat(again).extracting(BackfillResult::rowsScanned, BackfillResult::rowsWritten)
                .containsExactly((long) USERS, 0L);
        assertThat(newDb.rows("select count(*) from users_v2")).containsExactly(String.valueOf(USERS));
        assertThat(newDb.rows("select id, first_name, last_name from users_v2 where id in (" + key(1) + ", "
                + key(2) + ", " + key(3) + ", " + key(4) + ")")).containsExactly(
                key(1) + " Mary Ann Smith", key(2) + " Cher null", key(3) + " Jean Paul  Sartre",
                key(4) + " null null");

        VerificationResult<Long> verified = verifier(migration).verify();
        assertThat(verified).extracting(VerificationResult::missingInNew, VerificationResult::missingInOld,
                VerificationResult::differing).containsExactly(0L, 0L, badlySplit(names));

        // Damage the new model: three rows gone, two changed, one that the old model never had.
        newDb.execute("delete from users_v2 where id in (" + key(10) + ", " + key(11) + ", " + key(12) + ")",
                "update users_v2 set last_name = 'Wrong' where id in (" + key(20) + ", " + key(23) + ")",
                "insert into users_v2 (id, first_name, last_name) values (7, 'Extra', 'Row')");
        VerificationResult<Long> repaired = verifier(migration).verifyAndRepair();
        VerificationResult<Long> after = verifier(migration).verify();

        assertThat(repaired).extracting(VerificationResult::missingInNew, VerificationResult::missingInOld,
                VerificationResult::differing).containsExactly(3L, 1L, badlySplit(names) + 2);
        // A conversion that loses something cannot be repaired: the rewritten row still differs, and says so.
        assertThat(repaired.repairFailures()).isEqualTo(badlySplit(names));
        assertThat(after).extracting(VerificationResult::missingInNew, VerificationResult::missingInOld,
                VerificationResult::differing).containsExactly(0L, 0L, badlySplit(names));
        assertThat(newDb.rows("select id, first_name, last_name from users_v2 where id in (7, " + key(10) + ", "
                + key(20) + ")")).containsExactly(key(10) + " Ann Berg", key(20) + " Ann Berg");
    }

    @Test
    void sameTableWithAMarkerCountsAMigratedNullNameAsMigrated() {
        TestDatabase db = database();
        SessionFactory factory = db.sessionFactory(UserRow.class, MigratedUserRow.class);
        Map<Long, String> names = seed(factory);
        Migration<Long, User> migration = sameTable(factory, true);

        BackfillResult copied = Backfill.builder(migration).batchSize(100).meterRegistry(registry()).build().run();
        BackfillResult again = Backfill.builder(migration).batchSize(100).restart().meterRegistry(registry())
                .build().run();
        VerificationResult<Long> verified = verifier(migration).verify();

        assertThat(copied.rowsWritten()).isEqualTo(USERS);
        assertThat(again.rowsWritten()).isZero();
        assertThat(verified).extracting(VerificationResult::missingInNew, VerificationResult::missingInOld,
                VerificationResult::differing).containsExactly(0L, 0L, badlySplit(names));
        assertThat(db.rows(SHARED_ROWS + key(1) + ", " + key(4) + ")")).containsExactly(
                key(1) + " Mary Ann Smith Mary Ann Smith yes",
                key(4) + " null null null yes");
        // The old model's column is left as it was.
        assertThat(db.rows("select count(*) from users where name is null")).containsExactly(
                String.valueOf(names.values().stream().filter(n -> n == null).count()));

        // A row whose marker was cleared is missing again; one whose columns were changed differs: both repaired.
        db.execute("update users set migrated = false, first_name = null, last_name = null where id = " + key(10),
                "update users set first_name = 'Wrong' where id = " + key(20));
        VerificationResult<Long> repaired = verifier(migration).verifyAndRepair();
        VerificationResult<Long> after = verifier(migration).verify();

        assertThat(repaired).extracting(VerificationResult::missingInNew, VerificationResult::differing)
                .containsExactly(1L, badlySplit(names) + 1);
        assertThat(after).extracting(VerificationResult::missingInNew, VerificationResult::missingInOld,
                VerificationResult::differing).containsExactly(0L, 0L, badlySplit(names));
        assertThat(db.rows(SHARED_ROWS + key(10) + ", " + key(20) + ")")).containsExactly(
                key(10) + " Ann Berg Ann Berg yes",
                key(20) + " Ann Berg Ann Berg yes");
    }

    @Test
    void sameTableWithoutAMarkerTakesAMigratedNullNameForARowNotMigrated() {
        TestDatabase db = database();
        SessionFactory factory = db.sessionFactory(UserRow.class, MigratedUserRow.class);
        Map<Long, String> names = seed(factory);
        long nullNames = names.values().stream().filter(n -> n == null).count();
        Migration<Long, User> migration = sameTable(factory, false);

        Backfill.builder(migration).batchSize(100).meterRegistry(registry()).build().run();
        BackfillResult again = Backfill.builder(migration).batchSize(100).restart().meterRegistry(registry())
                .build().run();
        VerificationResult<Long> verified = verifier(migration).verify();

        // What the marker is for: without it, these rows are copied again on every run and reported missing.
        assertThat(nullNames).isPositive();
        assertThat(again.rowsWritten()).isEqualTo(nullNames);
        assertThat(verified.missingInNew()).isEqualTo(nullNames);
    }

    @Test
    void onASharedTableTheModelFillsOnlyUnsetRowsInsertsMissingOnesAndRemovesOnlyItsColumns() {
        TestDatabase db = database();
        SessionFactory factory = db.sessionFactory(UserRow.class, MigratedUserRow.class);
        KeyedModel<Long, User> model = sameTable(factory, true).newModel();
        db.execute("insert into users (id, name, first_name, last_name, migrated) values (1, 'Old Name', 'Dual',"
                + " 'Write', true)", "insert into users (id, name) values (2, 'Not Migrated')");

        int written = model.transactions().inTransaction(session -> model.insertAbsent(session,
                List.of(new User(1L, "Old Name"), new User(2L, "Not Migrated"), new User(3L, "Brand New"))));

        assertThat(written).isEqualTo(2);
        assertThat(db.rows(SHARED_ROWS + "1, 2, 3)")).containsExactly("1 Old Name Dual Write yes",
                "2 Not Migrated Not Migrated yes", "3 null Brand New yes");

        model.transactions().runInTransaction(session -> {
            model.remove(session, 2L);
            model.put(session, new User(1L, "Put Again"));
        });

        assertThat(db.rows(SHARED_ROWS + "1, 2, 3)")).containsExactly("1 Old Name Put Again yes",
                "2 Not Migrated null null no", "3 null Brand New yes");
        Set<Long> present = model.transactions().read(session -> model.present(session, List.of(1L, 2L, 3L, 4L)));
        Optional<User> removed = model.transactions().read(session -> model.find(session, 2L));
        Optional<User> put = model.transactions().read(session -> model.find(session, 1L));
        assertThat(present).containsExactlyInAnyOrder(1L, 3L);
        assertThat(removed).isEmpty();
        assertThat(put).contains(new User(1L, "Put Again"));
    }

    @Test
    void putAllUpdatesTheRowsItFindsInsertsTheOthersAndKeepsALaterValueOfAKeyGivenTwice() {
        // On PostgreSQL one update from arrays and an insert of the keys it did not find; on H2 a JDBC batch each.
        TestDatabase db = database();
        SessionFactory factory = db.sessionFactory(SplitUserRow.class);
        KeyedModel<Long, User> model = EntityModel.of(factory, SplitUserRow.class, Long.class)
                .mapped(User::id, SplitUserRow::toUser, SplitUserRow::of);
        db.execute("insert into users_v2 (id, first_name, last_name) values (1, 'Old', 'One'), (2, 'Old', 'Two')");

        model.transactions().runInTransaction(session -> model.putAll(session, List.of(new User(2L, "New Two"),
                new User(3L, "Brand New"), new User(1L, "First Given"), new User(1L, "Given Last"))));

        Map<Long, User> found = model.transactions().read(session -> model.findAll(session, List.of(1L, 2L, 3L)));
        assertThat(found).containsOnly(Map.entry(1L, new User(1L, "Given Last")),
                Map.entry(2L, new User(2L, "New Two")), Map.entry(3L, new User(3L, "Brand New")));
        assertThat(db.rows("select count(*) from users_v2")).containsExactly("3");
    }

    @Test
    void findAllOfMoreKeysThanOneQueryListedFindsEachKeyTheModelHoldsOnce() {
        // On PostgreSQL the keys go as one array (id = any(?)), elsewhere as in lists of 100: either way what the
        // model's own find answers key by key, absent keys and keys asked twice included, on a shared table only
        // the rows with the marker.
        TestDatabase db = database();
        SessionFactory factory = db.sessionFactory(UserRow.class, MigratedUserRow.class);
        seed(factory);
        Migration<Long, User> migration = sameTable(factory, true);
        Backfill.builder(migration).batchSize(100).meterRegistry(registry()).build().run();
        db.execute("update users set migrated = false where mod(id, 2) = 1");
        List<Long> asked = new ArrayList<>();
        for (int n = 0; n < USERS + 50; n++) {
            asked.add(key(n));
        }
        asked.add(key(2));
        asked.add(key(3));
        KeyedModel<Long, User> split = migration.model(Side.NEW);

        Map<Long, User> found = split.transactions().read(session -> split.findAll(session, asked));

        Map<Long, User> oneByOne = split.transactions().read(session -> {
            Map<Long, User> each = new LinkedHashMap<>();
            for (Long key : asked) {
                split.find(session, key).ifPresent(user -> each.put(key, user));
            }
            return each;
        });
        assertThat(oneByOne).hasSize(USERS / 2);
        assertThat(found).isEqualTo(oneByOne);
    }

    @Test
    void textKeysPageInTheOrderJavaComparesThem() {
        TestDatabase oldDb = database();
        TestDatabase newDb = database();
        SessionFactory oldFactory = oldDb.sessionFactory(TagRow.class);
        SessionFactory newFactory = newDb.sessionFactory(TagCopyRow.class);
        // The test database's own collation (C.UTF-8 here) sorts as Java does: a linguistic one on the key columns
        // makes the database's order differ, as it does in many production databases.
        collateKeys(oldDb, "tags", LINGUISTIC);
        collateKeys(newDb, "tags_v2", LINGUISTIC);
        seedTags(oldFactory);
        Migration<String, Tag> migration = tags(oldFactory, newFactory, false);
        KeyedModel<String, Tag> oldModel = migration.oldModel();

        BackfillResult copied = Backfill.builder(migration).batchSize(3).meterRegistry(registry()).build().run();
        List<String> paged = new ArrayList<>();
        for (Tag tag : oldModel.transactions().read(session -> oldModel.page(session, null, 100))) {
            paged.add(tag.id());
        }

        assertThat(paged).isEqualTo(TAG_KEYS).isSorted();
        assertThat(copied).extracting(BackfillResult::finished, BackfillResult::rowsWritten)
                .containsExactly(true, (long) TAG_KEYS.size());
        assertThat(newDb.rows("select label from tags_v2 where id = 'aB'")).containsExactly("LABEL 5");
        assertThat(Verifier.builder(migration).pageSize(4).meterRegistry(registry()).build().verify().isClean())
                .isTrue();
    }

    @Test
    void keyOrderAsDatabaseServesColumnsThatSortAsJavaAndIsCaughtOnOthers() {
        assumeTrue(TestDatabase.postgresql(), "a collation that sorts unlike Java: PostgreSQL's ICU collations");
        TestDatabase oldDb = database();
        TestDatabase newDb = database();
        SessionFactory oldFactory = oldDb.sessionFactory(TagRow.class);
        SessionFactory newFactory = newDb.sessionFactory(TagCopyRow.class);
        collateKeys(oldDb, "tags", "\"C\"");
        collateKeys(newDb, "tags_v2", "\"C\"");
        seedTags(oldFactory);

        // Columns declared collate "C": the claim holds, the pages come in Java's order without a collate clause.
        Migration<String, Tag> migration = tags(oldFactory, newFactory, true);
        BackfillResult copied = Backfill.builder(migration).batchSize(3).meterRegistry(registry()).build().run();
        assertThat(copied.rowsWritten()).isEqualTo(TAG_KEYS.size());
        assertThat(Verifier.builder(migration).pageSize(4).meterRegistry(registry()).build().verify().isClean())
                .isTrue();

        // The same claim on a linguistic column is wrong: the database pages "a c" before "B". The backfill
        // refuses the page rather than skip rows, and says what to do.
        collateKeys(oldDb, "tags", LINGUISTIC);
        List<String> databaseOrder = new ArrayList<>();
        Migration<String, Tag> wrongClaim = tags(oldFactory, newFactory, true);
        for (Tag tag : wrongClaim.oldModel().transactions().read(session -> wrongClaim.oldModel().page(session,
                null, 100))) {
            databaseOrder.add(tag.id());
        }
        assertThat(databaseOrder).containsExactlyInAnyOrderElementsOf(TAG_KEYS).isNotEqualTo(TAG_KEYS);
        assertThatThrownBy(() -> Backfill.builder(wrongClaim).batchSize(100).restart().meterRegistry(registry())
                .build().run()).isInstanceOf(BackfillException.class).hasMessageContaining("ascending key order")
                .hasMessageContaining("keyOrderAsDatabase()");
    }

    record Tag(String id, String label) {}

    /** Upper before lower case, punctuation and a space between, an accent after all ASCII: Java's order. */
    private static final List<String> TAG_KEYS = List.of("B", "Z1", "_x", "a c", "a-c", "aB", "ab", "b", "z", "~",
            "é");
    /** ICU's root collation: case and punctuation weigh less than letters, unlike in Java's order. */
    private static final String LINGUISTIC = "\"und-x-icu\"";

    private static void collateKeys(TestDatabase database, String table, String collation) {
        if (TestDatabase.postgresql()) {
            database.execute("alter table " + table + " alter column id type varchar(255) collate " + collation);
        }
    }

    private static void seedTags(SessionFactory factory) {
        factory.inTransaction(session -> {
            for (String key : TAG_KEYS) {
                session.persist(new TagRow(key, "label " + TAG_KEYS.indexOf(key)));
            }
        });
    }

    private static Migration<String, Tag> tags(SessionFactory oldFactory, SessionFactory newFactory,
            boolean keyOrderAsDatabase) {
        EntityModel<TagRow, String> old = EntityModel.of(oldFactory, TagRow.class, String.class);
        EntityModel<TagCopyRow, String> copy = EntityModel.of(newFactory, TagCopyRow.class, String.class);
        if (keyOrderAsDatabase) {
            old = old.keyOrderAsDatabase();
            copy = copy.keyOrderAsDatabase();
        }
        return Migration.of("tags", KeyType.STRING, old.readOnly(Tag::id, row -> new Tag(row.id, row.label)),
                copy.mapped(Tag::id, row -> new Tag(row.id, row.label.toLowerCase()),
                        tag -> new TagCopyRow(tag.id(), tag.label().toUpperCase())));
    }

    private static Migration<Long, User> sameTable(SessionFactory factory, boolean marker) {
        EntityModel<MigratedUserRow, Long> split = EntityModel.of(factory, MigratedUserRow.class, Long.class)
                .sameTableAs(UserRow.class);
        return Migration.of("users", KeyType.LONG,
                EntityModel.of(factory, UserRow.class, Long.class).readOnly(User::id, UserRow::toUser),
                (marker ? split.migratedWhen("migrated") : split)
                        .mapped(User::id, MigratedUserRow::toUser, MigratedUserRow::of));
    }

    private static Verifier<Long, User> verifier(Migration<Long, User> migration) {
        return Verifier.builder(migration).pageSize(70).meterRegistry(registry()).build();
    }

    private static SimpleMeterRegistry registry() {
        return new SimpleMeterRegistry();
    }

    private TestDatabase database() {
        TestDatabase database = TestDatabase.create();
        databases.add(database);
        return database;
    }

    /**
     * {@value #USERS} users with application-assigned ids; every seventh name splits badly (spaces the split
     * trims), every eleventh is null, a few are chosen.
     */
    private static Map<Long, String> seed(SessionFactory factory) {
        Map<Long, String> names = new LinkedHashMap<>();
        for (int n = 0; n < USERS; n++) {
            String name = switch (n) {
                case 1 -> "Mary Ann Smith";
                case 2 -> "Cher";
                case 3 -> "Jean Paul  Sartre";
                case 4 -> null;
                case 10, 20 -> "Ann Berg";
                default -> n % 11 == 0 ? null : n % 7 == 0 ? " Padded " + n + " " : "First" + n + " Last" + n;
            };
            names.put(key(n), name);
        }
        factory.inTransaction(session -> names.forEach((id, name) -> session.persist(new UserRow(id, name))));
        return names;
    }

    private static long key(int n) {
        return 1000L + 3L * n;
    }

    private static long badlySplit(Map<Long, String> names) {
        return names.values().stream().filter(name -> !Names.roundTrips(name)).count();
    }
}

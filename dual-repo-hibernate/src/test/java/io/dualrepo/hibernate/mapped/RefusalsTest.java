package io.dualrepo.hibernate.mapped;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualrepo.hibernate.EntityModel;
import io.dualrepo.hibernate.KeyedModel;
import io.dualrepo.hibernate.TestDatabase;
import java.util.List;
import java.util.UUID;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a mapped model cannot serve is refused when it is built, with a message saying what to change; and what
 * it can serve in a restricted way (a generated id, read only) is allowed.
 */
class RefusalsTest {

    private static TestDatabase database;
    private static SessionFactory factory;

    @BeforeAll
    static void setUp() {
        database = TestDatabase.create();
        factory = database.sessionFactory(UserRow.class, MigratedUserRow.class, Refused.GeneratedIdRow.class,
                Refused.CompositeIdRow.class, Refused.UuidIdRow.class);
    }

    @AfterAll
    static void tearDown() throws Exception {
        factory.close();
        database.close();
    }

    @Test
    void aGeneratedIdIsRefusedForAModelThatIsWrittenAndAllowedForOneThatIsOnlyRead() {
        EntityModel<Refused.GeneratedIdRow, Long> model = EntityModel.of(factory, Refused.GeneratedIdRow.class,
                Long.class);

        assertThatThrownBy(() -> model.mapped(User::id, row -> new User(row.id, row.name), user -> null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("GeneratedIdRow")
                .hasMessageContaining("has a generated id")
                .hasMessageContaining("must be assigned by the application")
                .hasMessageContaining("remove @GeneratedValue from GeneratedIdRow.id");
        KeyedModel<Long, User> readOnly = model.readOnly(User::id, row -> new User(row.id, row.name));
        List<User> page = readOnly.transactions().read(session -> readOnly.page(session, null, 10));
        assertThat(page).isEmpty();
        assertThatThrownBy(() -> readOnly.transactions().read(session -> {
            readOnly.remove(session, 1L);
            return null;
        })).isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("read-only");
    }

    @Test
    void aCompositeIdIsRefused() {
        assertThatThrownBy(() -> EntityModel.of(factory, Refused.CompositeIdRow.class, Long.class)
                .readOnly(User::id, row -> new User(1L, row.name)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CompositeIdRow")
                .hasMessageContaining("has a composite id")
                .hasMessageContaining("write a KeyedModel by hand");
    }

    @Test
    void aUuidKeyIsRefusedBecauseJavaAndTheDatabaseOrderItDifferently() {
        assertThatThrownBy(() -> EntityModel.of(factory, Refused.UuidIdRow.class, UUID.class)
                .readOnly(row -> row, row -> row.id))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has a UUID key")
                .hasMessageContaining("signed 64-bit halves")
                .hasMessageContaining("Map the key as text");
    }

    @Test
    void aKeyTypeOtherThanTheIdsIsRefused() {
        assertThatThrownBy(() -> EntityModel.of(factory, UserRow.class, String.class)
                .readOnly(name -> name, row -> row.name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has an id of type java.lang.Long, not the key type java.lang.String")
                .hasMessageContaining("pass Long.class as the key type");
    }

    @Test
    void aClassThatIsNotAnEntityOfTheFactoryIsRefused() {
        assertThatThrownBy(() -> EntityModel.of(factory, SplitUserRow.class, Long.class)
                .readOnly(User::id, SplitUserRow::toUser))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(SplitUserRow.class.getName() + " is not an entity of this session factory: add it to"
                        + " the factory's annotated classes (or the persistence unit)");
    }

    @Test
    void aSameTableEntityWithoutDynamicUpdateIsRefused() throws Exception {
        try (TestDatabase other = TestDatabase.create();
                SessionFactory shared = other.sessionFactory(UserRow.class, Refused.StaticUpdateUserRow.class)) {
            assertThatThrownBy(() -> EntityModel.of(shared, Refused.StaticUpdateUserRow.class, Long.class)
                    .sameTableAs(UserRow.class)
                    .mapped(User::id, row -> new User(row.id, row.firstName), user -> null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("StaticUpdateUserRow")
                    .hasMessageContaining("shares table users with another model but is not @DynamicUpdate")
                    .hasMessageContaining("annotate both entities with @org.hibernate.annotations.DynamicUpdate");
        }
    }

    @Test
    void aMarkerThatIsMissingOrNotBooleanOrWithoutASharedTableIsRefused() {
        EntityModel<MigratedUserRow, Long> shared = EntityModel.of(factory, MigratedUserRow.class, Long.class)
                .sameTableAs(UserRow.class);

        assertThatThrownBy(() -> shared.migratedWhen("done")
                .mapped(User::id, MigratedUserRow::toUser, MigratedUserRow::of))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no attribute 'done' for migratedWhen")
                .hasMessageContaining("Boolean attribute of MigratedUserRow");
        assertThatThrownBy(() -> shared.migratedWhen("firstName")
                .mapped(User::id, MigratedUserRow::toUser, MigratedUserRow::of))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has marker attribute 'firstName' of type String")
                .hasMessageContaining("the marker must be a Boolean");
        assertThatThrownBy(() -> EntityModel.of(factory, MigratedUserRow.class, Long.class)
                .migratedWhen("migrated")
                .mapped(User::id, MigratedUserRow::toUser, MigratedUserRow::of))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("but no other model on its table")
                .hasMessageContaining("call sameTableAs(...) too");
        assertThat(shared.migratedWhen("migrated").mapped(User::id, MigratedUserRow::toUser, MigratedUserRow::of))
                .isNotNull();
    }

    @Test
    void anEntityOfAnotherTableIsRefusedAsTheSameTable() throws Exception {
        try (TestDatabase other = TestDatabase.create();
                SessionFactory two = other.sessionFactory(UserRow.class, SplitUserRow.class)) {
            assertThatThrownBy(() -> EntityModel.of(two, SplitUserRow.class, Long.class)
                    .sameTableAs(UserRow.class)
                    .mapped(User::id, SplitUserRow::toUser, SplitUserRow::of))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is declared sameTableAs " + UserRow.class.getName())
                    .hasMessageContaining("maps table users_v2");
        }
    }
}

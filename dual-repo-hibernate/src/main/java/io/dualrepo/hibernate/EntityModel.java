package io.dualrepo.hibernate;

import io.dualrepo.hibernate.internal.EntityTable;
import io.dualrepo.hibernate.internal.MappedModel;
import java.util.Objects;
import java.util.function.Function;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.jspecify.annotations.Nullable;

/**
 * A {@link KeyedModel} from an entity's Hibernate mapping: the key, the key order, paging, presence, find, the
 * backfill's insert-if-absent, the repair's put and remove all come from the mapped table, id and columns; you give
 * only the conversions between the entity and the migration's value.
 *
 * <pre>{@code
 * KeyedModel<Long, User> oldModel = EntityModel.of(sessionFactory, UserRow.class, Long.class)
 *         .readOnly(User::id, row -> new User(row.id, row.name));
 * KeyedModel<Long, User> newModel = EntityModel.of(sessionFactory, SplitUserRow.class, Long.class)
 *         .mapped(User::id, SplitUserRow::toUser, SplitUserRow::of);
 * }</pre>
 *
 * <p>Requirements, each checked when the model is built ({@link IllegalArgumentException} saying what to change):
 * a single-column id of the key type, assigned by the application where the model is written (rows are copied
 * under the other model's keys); not a UUID key (Java and databases order UUIDs differently); plain columns only;
 * for two entities on one table, both {@code @DynamicUpdate}. Text keys on PostgreSQL are paged {@code collate
 * "C"}, which is how Java compares them; see {@link #keyOrderAsDatabase()}.
 *
 * <p>Rows are read and written with plain JDBC on the session's connection, through the mapping's own types: no
 * persistence context, no entity callbacks or listeners, no second-level cache invalidation. Immutable: each
 * method returns a new description.
 *
 * @param <E> the entity
 * @param <K> the key, the entity's id type
 */
public final class EntityModel<E, K extends Comparable<? super K>> {

    /** A conversion that may read the database (e.g. to look up a referenced row), in the model's session. */
    @FunctionalInterface
    public interface Conversion<A, B> {
        B convert(Session session, A from);
    }

    private final Transactions transactions;
    private final Class<E> entity;
    private final Class<K> key;
    private final @Nullable Class<?> sameTableAs;
    private final @Nullable String marker;
    private final boolean keyOrderAsDatabase;

    private EntityModel(Transactions transactions, Class<E> entity, Class<K> key, @Nullable Class<?> sameTableAs,
            @Nullable String marker, boolean keyOrderAsDatabase) {
        this.transactions = transactions;
        this.entity = entity;
        this.key = key;
        this.sameTableAs = sameTableAs;
        this.marker = marker;
        this.keyOrderAsDatabase = keyOrderAsDatabase;
    }

    public static <E, K extends Comparable<? super K>> EntityModel<E, K> of(SessionFactory sessionFactory,
            Class<E> entity, Class<K> key) {
        return of(Transactions.of(Objects.requireNonNull(sessionFactory, "sessionFactory")), entity, key);
    }

    public static <E, K extends Comparable<? super K>> EntityModel<E, K> of(Transactions transactions,
            Class<E> entity, Class<K> key) {
        return new EntityModel<>(Objects.requireNonNull(transactions, "transactions"),
                Objects.requireNonNull(entity, "entity"), Objects.requireNonNull(key, "key"), null, null, false);
    }

    /**
     * The entity shares its table with {@code other} (the same-table layout: the new model is new columns of the
     * old table). This model then holds a row when its own columns (those {@code other} does not map) are not all
     * null, or when its marker says so ({@link #migratedWhen}); it fills its own columns only where they are unset,
     * and its remove clears them, leaving the row to {@code other}. Both entities must be {@code @DynamicUpdate}.
     */
    public EntityModel<E, K> sameTableAs(Class<?> other) {
        return new EntityModel<>(transactions, entity, key, Objects.requireNonNull(other, "other"), marker,
                keyOrderAsDatabase);
    }

    /**
     * A Boolean attribute of the entity whose column says a row was migrated, for the same-table layout: without
     * it, "not migrated" is "this model's columns are null", which a value that is really null cannot be told from
     * (a migrated row with a null value is copied again, and counted missing by the verifier). Writes set it true,
     * remove sets it false; null or false is not migrated.
     */
    public EntityModel<E, K> migratedWhen(String attribute) {
        return new EntityModel<>(transactions, entity, key, sameTableAs, Objects.requireNonNull(attribute,
                "attribute"), keyOrderAsDatabase);
    }

    /**
     * Pages text keys in the key column's own order instead of {@code collate "C"} on PostgreSQL: for a column
     * whose collation already sorts as {@link String#compareTo} does (declared {@code collate "C"}), so that its
     * primary-key index serves the pages. A wrong claim is caught at run time: the backfill and the verifier check
     * every page's order.
     */
    public EntityModel<E, K> keyOrderAsDatabase() {
        return new EntityModel<>(transactions, entity, key, sameTableAs, marker, true);
    }

    /** A model the backfill, the verifier and the repair read and write, with conversions each way. */
    public <V> KeyedModel<K, V> mapped(Function<V, K> keyOf, Function<E, V> toValue, Function<V, E> toEntity) {
        Objects.requireNonNull(toValue, "toValue");
        Objects.requireNonNull(toEntity, "toEntity");
        return mappedWithSession(keyOf, (session, e) -> toValue.apply(e), (session, v) -> toEntity.apply(v));
    }

    /** As {@link #mapped}, with conversions that read the database in the model's session. */
    public <V> KeyedModel<K, V> mappedWithSession(Function<V, K> keyOf, Conversion<E, V> toValue,
            Conversion<V, E> toEntity) {
        Objects.requireNonNull(toEntity, "toEntity");
        return new MappedModel<>(transactions, table(true), Objects.requireNonNull(keyOf, "keyOf"),
                Objects.requireNonNull(toValue, "toValue"), toEntity);
    }

    /**
     * A model that is only read: the source side of a one-way migration (its backfill copies from it, its verifier
     * compares it). Its writes throw {@link UnsupportedOperationException}; its id may be generated.
     */
    public <V> KeyedModel<K, V> readOnly(Function<V, K> keyOf, Function<E, V> toValue) {
        Objects.requireNonNull(toValue, "toValue");
        return readOnlyWithSession(keyOf, (session, e) -> toValue.apply(e));
    }

    /** As {@link #readOnly}, with a conversion that reads the database in the model's session. */
    public <V> KeyedModel<K, V> readOnlyWithSession(Function<V, K> keyOf, Conversion<E, V> toValue) {
        return new MappedModel<>(transactions, table(false), Objects.requireNonNull(keyOf, "keyOf"),
                Objects.requireNonNull(toValue, "toValue"), null);
    }

    private EntityTable table(boolean writes) {
        return EntityTable.of(transactions.sessionFactory(), entity, key, sameTableAs, marker, writes,
                keyOrderAsDatabase);
    }
}

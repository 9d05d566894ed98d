package io.dualrepo.hibernate.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.hibernate.SessionFactory;
import org.hibernate.dialect.Dialect;
import org.hibernate.dialect.PostgreSQLDialect;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.generator.Assigned;
import org.hibernate.generator.Generator;
import org.hibernate.metamodel.mapping.AttributeMapping;
import org.hibernate.metamodel.mapping.BasicEntityIdentifierMapping;
import org.hibernate.metamodel.mapping.BasicValuedModelPart;
import org.hibernate.metamodel.mapping.JdbcMapping;
import org.hibernate.persister.entity.EntityPersister;
import org.jspecify.annotations.Nullable;

/**
 * An entity's table as a mapped model reads and writes it, taken from the Hibernate metamodel: the table, the key
 * column, the other columns, and — where two entities share the table — the columns that are this entity's own and
 * the marker column. Everything a mapped model cannot do right is refused here, when it is built, with what to do.
 */
public final class EntityTable {

    /** One column of the entity: the attribute that maps it, and how its values go to and from JDBC. */
    public record Column(String name, @Nullable AttributeMapping attribute, JdbcMapping jdbc) {}

    private final Class<?> entity;
    private final EntityPersister persister;
    private final String table;
    private final Column id;
    private final List<Column> columns;
    private final List<Column> own;
    private final @Nullable Column marker;
    private final boolean sameTable;
    private final boolean collateC;
    private final boolean postgresql;

    private EntityTable(Class<?> entity, EntityPersister persister, String table, Column id, List<Column> columns,
            List<Column> own, @Nullable Column marker, boolean sameTable, boolean collateC, boolean postgresql) {
        this.entity = entity;
        this.persister = persister;
        this.table = table;
        this.id = id;
        this.columns = List.copyOf(columns);
        this.own = List.copyOf(own);
        this.marker = marker;
        this.sameTable = sameTable;
        this.collateC = collateC;
        this.postgresql = postgresql;
    }

    /**
     * Reads the mapping and refuses what a mapped model cannot serve.
     *
     * @param sameTableAs the other model's entity on the same table
     * @param markerAttribute the attribute saying a row was migrated
     * @param writes whether the model writes (the one-way source side does not)
     * @param keyOrderAsDatabase whether the key column already sorts as Java compares keys
     */
    public static EntityTable of(SessionFactory factory, Class<?> entity, Class<?> keyClass,
            @Nullable Class<?> sameTableAs, @Nullable String markerAttribute, boolean writes,
            boolean keyOrderAsDatabase) {
        SessionFactoryImplementor implementor = factory.unwrap(SessionFactoryImplementor.class);
        EntityPersister persister = persister(implementor, entity);
        String table = persister.getTableName();
        if (persister.getTableNames().length > 1) {
            throw refused(entity, "maps more than one table (a secondary table or a joined inheritance); a mapped"
                    + " model reads and writes one table: map the migrated columns in an entity of one table, or"
                    + " write a KeyedModel by hand");
        }
        if (!(persister.getIdentifierMapping() instanceof BasicEntityIdentifierMapping idMapping)) {
            throw refused(entity, "has a composite id; a mapped model needs a single-column key (its backfill"
                    + " pages and checkpoints by one key): write a KeyedModel by hand, with a KeyType for the"
                    + " composite key");
        }
        Class<?> idClass = boxed(idMapping.getJavaType().getJavaTypeClass());
        if (idClass == UUID.class) {
            throw refused(entity, "has a UUID key; Java compares UUIDs by their two signed 64-bit halves, which no"
                    + " database's order of uuid values follows, so pages would not come in the key order the"
                    + " backfill and the verifier check. Map the key as text (a String id holding the UUID, as the"
                    + " sample app's incidents do)");
        }
        if (idClass != boxed(keyClass)) {
            throw refused(entity, "has an id of type " + idClass.getName() + ", not the key type "
                    + keyClass.getName() + " given: pass " + idClass.getSimpleName() + ".class as the key type");
        }
        if (writes) {
            Generator generator = persister.getGenerator();
            if (generator != null && !(generator instanceof Assigned)) {
                throw refused(entity, "has a generated id (" + generator.getClass().getSimpleName() + "); a mapped"
                        + " model copies each row under the key the other model gave it, so its ids must be"
                        + " assigned by the application: remove @GeneratedValue from " + entity.getSimpleName()
                        + "." + idMapping.getAttributeName() + " (the backfill sets it from the other model)");
            }
        }
        Column id = new Column(idMapping.getSelectionExpression(), null, idMapping.getJdbcMapping());
        List<Column> columns = columns(persister, entity);
        Column marker = markerAttribute == null ? null : marker(columns, entity, markerAttribute, sameTableAs);
        List<Column> own = columns;
        if (sameTableAs != null) {
            own = ownColumns(implementor, persister, entity, sameTableAs, table, columns, marker, writes);
        }
        Dialect dialect = implementor.getJdbcServices().getDialect();
        boolean postgresql = dialect instanceof PostgreSQLDialect;
        boolean collateC = !keyOrderAsDatabase && idClass == String.class && postgresql;
        return new EntityTable(entity, persister, table, id, columns, own, marker, sameTableAs != null, collateC,
                postgresql);
    }

    private static EntityPersister persister(SessionFactoryImplementor factory, Class<?> entity) {
        EntityPersister persister = factory.getMappingMetamodel().findEntityDescriptor(entity);
        if (persister == null) {
            throw new IllegalArgumentException(entity.getName() + " is not an entity of this session factory: add"
                    + " it to the factory's annotated classes (or the persistence unit)");
        }
        return persister;
    }

    private static List<Column> columns(EntityPersister persister, Class<?> entity) {
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < persister.getNumberOfAttributeMappings(); i++) {
            AttributeMapping attribute = persister.getAttributeMapping(i);
            BasicValuedModelPart basic = attribute.asBasicValuedModelPart();
            if (basic == null) {
                throw refused(entity, "maps " + attribute.getAttributeName() + " as an association, an embeddable"
                        + " or a collection; a mapped model copies plain columns only: map the foreign key as a"
                        + " basic column in the entity the model uses, or write a KeyedModel by hand");
            }
            if (basic.isFormula() || !basic.isInsertable() || !basic.isUpdateable()) {
                throw refused(entity, "maps " + attribute.getAttributeName() + " as a formula or as read-only"
                        + " (insertable/updatable false); a mapped model writes every column it maps: leave it"
                        + " out of the entity the model uses");
            }
            columns.add(new Column(basic.getSelectionExpression(), attribute, basic.getJdbcMapping()));
        }
        return columns;
    }

    private static Column marker(List<Column> columns, Class<?> entity, String attribute,
            @Nullable Class<?> sameTableAs) {
        if (sameTableAs == null) {
            throw refused(entity, "has a marker (migratedWhen(\"" + attribute + "\")) but no other model on its"
                    + " table; the marker tells a migrated row from one not migrated yet in the same-table layout:"
                    + " call sameTableAs(...) too, or drop migratedWhen (a row of a table of its own is its presence)");
        }
        for (Column column : columns) {
            if (attribute(column).getAttributeName().equals(attribute)) {
                Class<?> type = boxed(column.jdbc().getJavaTypeDescriptor().getJavaTypeClass());
                if (type != Boolean.class) {
                    throw refused(entity, "has marker attribute '" + attribute + "' of type " + type.getSimpleName()
                            + "; the marker must be a Boolean (a nullable boolean column: null or false while the"
                            + " row is not migrated, true once it is)");
                }
                return column;
            }
        }
        throw refused(entity, "has no attribute '" + attribute + "' for migratedWhen: map the marker column as a"
                + " Boolean attribute of " + entity.getSimpleName() + " (e.g. @Column(name = \"migrated\") Boolean"
                + " migrated)");
    }

    private static List<Column> ownColumns(SessionFactoryImplementor factory, EntityPersister persister,
            Class<?> entity, Class<?> other, String table, List<Column> columns, @Nullable Column marker,
            boolean writes) {
        EntityPersister otherPersister = persister(factory, other);
        if (!otherPersister.getTableName().equalsIgnoreCase(table)) {
            throw refused(entity, "is declared sameTableAs " + other.getName() + ", but maps table " + table
                    + " and " + other.getSimpleName() + " maps " + otherPersister.getTableName());
        }
        for (EntityPersister each : List.of(persister, otherPersister)) {
            if (writes && !each.isDynamicUpdate()) {
                throw refused(each.getMappedClass(), "shares table " + table + " with another model but is not"
                        + " @DynamicUpdate; without it, an update through one entity writes every column it maps"
                        + " and puts back the other model's columns as they were when it read the row: annotate"
                        + " both entities with @org.hibernate.annotations.DynamicUpdate");
            }
        }
        Set<String> theirs = new LinkedHashSet<>();
        for (Column column : columns(otherPersister, other)) {
            theirs.add(column.name().toLowerCase(Locale.ROOT));
        }
        List<Column> own = new ArrayList<>();
        for (Column column : columns) {
            if (!theirs.contains(column.name().toLowerCase(Locale.ROOT))) {
                own.add(column);
            }
        }
        if (own.isEmpty() || (marker != null && own.size() == 1 && own.get(0) == marker)) {
            throw refused(entity, "maps no column that " + other.getSimpleName() + " does not: on a shared table a"
                    + " model's presence is its own columns being set, so it needs at least one column of its own");
        }
        if (marker != null && !own.contains(marker)) {
            throw refused(entity, "has marker column " + marker.name() + ", which " + other.getSimpleName()
                    + " maps too; the marker must be this model's own column");
        }
        return own;
    }

    private static IllegalArgumentException refused(Class<?> entity, String what) {
        return new IllegalArgumentException("mapped model of " + entity.getName() + ": the entity " + what);
    }

    private static Class<?> boxed(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        return type == long.class ? Long.class : type == int.class ? Integer.class
                : type == boolean.class ? Boolean.class : type == short.class ? Short.class : type;
    }

    public Class<?> entity() {
        return entity;
    }

    public EntityPersister persister() {
        return persister;
    }

    public String table() {
        return table;
    }

    public Column id() {
        return id;
    }

    /** Every column but the key, in attribute order. */
    public List<Column> columns() {
        return columns;
    }

    /** The columns this model writes when it fills a shared row: its own (all of them on a table of its own). */
    public List<Column> own() {
        return own;
    }

    /** The marker column, absent unless the model has one. */
    public @Nullable Column marker() {
        return marker;
    }

    public boolean sameTable() {
        return sameTable;
    }

    public boolean postgresql() {
        return postgresql;
    }

    /** The key as the key-order SQL compares it: {@code collate "C"} for text keys on PostgreSQL. */
    public String orderedKey() {
        return collateC ? id.name() + " collate \"C\"" : id.name();
    }

    /** A column's attribute; only the id column, which is not among {@link #columns()}, has none. */
    public static AttributeMapping attribute(Column column) {
        return Objects.requireNonNull(column.attribute(), "only the id column has no attribute");
    }
}

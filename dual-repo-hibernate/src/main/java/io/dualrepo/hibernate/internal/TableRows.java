package io.dualrepo.hibernate.internal;

import io.dualrepo.hibernate.internal.EntityTable.Column;
import java.lang.reflect.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.type.descriptor.ValueBinder;
import org.hibernate.type.descriptor.java.JavaType;
import org.jspecify.annotations.Nullable;

/**
 * An entity table's rows through plain JDBC on the session's connection, with Hibernate's own binders, extractors
 * and converters for each column: the mapping's types, without a persistence context (a page of thousands of
 * managed entities would be dirty-checked at every flush) and with the SQL written for the key order and for
 * multi-row writes.
 */
final class TableRows {

    /** PostgreSQL takes at most 65,535 parameters per statement; H2 many more. */
    private static final int MAX_PARAMETERS = 30_000;

    private final EntityTable table;
    /** PostgreSQL's array type of each column, key first, for {@link #unnestInsert}; none where one is unknown. */
    private final ArrayType @Nullable [] arrayTypes;
    /** PostgreSQL's array type of the key, for {@link #keyInArray}; none elsewhere or where one is unknown. */
    private final @Nullable ArrayType keyArrayType;

    TableRows(EntityTable table) {
        this.table = table;
        this.arrayTypes = table.postgresql() ? arrayTypes(table) : null;
        this.keyArrayType =
                table.postgresql() ? arrayType(table.id().jdbc().getJdbcType().getDefaultSqlTypeCode()) : null;
    }

    /** An array type of PostgreSQL and the Java class of its elements. */
    private record ArrayType(String name, Class<?> element) {}

    private static ArrayType @Nullable [] arrayTypes(EntityTable table) {
        List<Column> all = new ArrayList<>();
        all.add(table.id());
        all.addAll(table.columns());
        ArrayType[] types = new ArrayType[all.size()];
        for (int i = 0; i < types.length; i++) {
            types[i] = arrayType(all.get(i).jdbc().getJdbcType().getDefaultSqlTypeCode());
            if (types[i] == null) {
                return null;
            }
        }
        return types;
    }

    private static @Nullable ArrayType arrayType(int sqlType) {
        return switch (sqlType) {
            case Types.BIGINT -> new ArrayType("int8", Long.class);
            case Types.INTEGER -> new ArrayType("int4", Integer.class);
            case Types.SMALLINT, Types.TINYINT -> new ArrayType("int2", Short.class);
            case Types.VARCHAR, Types.CHAR, Types.LONGVARCHAR, Types.NVARCHAR, Types.NCHAR, Types.LONGNVARCHAR ->
                    new ArrayType("text", String.class);
            case Types.BOOLEAN, Types.BIT -> new ArrayType("bool", Boolean.class);
            case Types.DOUBLE, Types.FLOAT -> new ArrayType("float8", Double.class);
            default -> null;
        };
    }

    /**
     * Whether {@link #unnestInsert} can write this table: on PostgreSQL, with every column of a type above. A
     * batch then goes as one array per column ({@code insert ... select * from unnest(?::int8[], ?::text[], ...)}),
     * the fastest insert measured for the backfill (docs/benchmarks.md: ahead of multi-row inserts from a JDBC
     * batch), and one statement text whatever the batch size.
     */
    boolean unnestable() {
        return arrayTypes != null;
    }

    /**
     * Whether {@link #keyInArray} applies: on PostgreSQL, with a key of a type above. Many keys then go as one array
     * parameter, one statement and one plan however many there are, where an in list takes a statement per chunk.
     */
    boolean keysAsArray() {
        return keyArrayType != null;
    }

    /** {@code id = any(?::int8[])}: the key among one array parameter, bound by {@link #bindKeyArray}. */
    String keyInArray() {
        ArrayType type = Objects.requireNonNull(keyArrayType, "keyInArray runs only where keysAsArray()");
        return table.id().name() + " = any(?::" + type.name() + "[])";
    }

    /** Binds the keys as the array parameter of {@link #keyInArray}. */
    void bindKeyArray(Connection connection, PreparedStatement statement, int index, List<?> keys,
            SharedSessionContractImplementor session) throws SQLException {
        ArrayType type = Objects.requireNonNull(keyArrayType, "bindKeyArray runs only where keysAsArray()");
        Object[] values = (Object[]) Array.newInstance(type.element(), keys.size());
        for (int r = 0; r < values.length; r++) {
            values[r] = jdbcValue(table.id(), keys.get(r), type.element(), session);
        }
        statement.setArray(index, connection.createArrayOf(type.name(), values));
    }

    /** Inserts the entities with one {@code insert ... select * from unnest(...)}; returns the rows inserted. */
    int unnestInsert(Connection connection, List<?> entities, SharedSessionContractImplementor session)
            throws SQLException {
        ArrayType[] arrayTypes = Objects.requireNonNull(this.arrayTypes, "unnestInsert runs only where unnestable()");
        List<Column> all = new ArrayList<>();
        all.add(table.id());
        all.addAll(table.columns());
        StringBuilder sql = new StringBuilder("insert into ").append(table.table()).append(" (");
        StringBuilder arrays = new StringBuilder();
        for (int c = 0; c < all.size(); c++) {
            sql.append(c > 0 ? ", " : "").append(all.get(c).name());
            arrays.append(c > 0 ? ", " : "").append("?::").append(arrayTypes[c].name()).append("[]");
        }
        sql.append(") select * from unnest(").append(arrays).append(')');
        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            bindArrays(connection, statement, all, arrayTypes, entities, session);
            return statement.executeUpdate();
        }
    }

    /**
     * Updates every column of the entities' rows with one {@code update t set c = u.c, … from unnest(?::int8[], …)
     * as u (…) where t.id = u.id returning t.id}: one statement and one plan for a batch, where a JDBC batch of
     * updates is a statement per row for the server. Runs only where {@link #unnestable()}; the entities' ids must
     * be distinct (a row is updated once by such a statement). Returns the ids of the rows it found.
     */
    List<Object> unnestUpdate(Connection connection, List<?> entities, SharedSessionContractImplementor session)
            throws SQLException {
        ArrayType[] arrayTypes = Objects.requireNonNull(this.arrayTypes, "unnestUpdate runs only where unnestable()");
        List<Column> all = new ArrayList<>();
        all.add(table.id());
        all.addAll(table.columns());
        StringBuilder set = new StringBuilder();
        StringBuilder names = new StringBuilder();
        StringBuilder arrays = new StringBuilder();
        for (int c = 0; c < all.size(); c++) {
            String name = all.get(c).name();
            if (c > 0) {
                set.append(c > 1 ? ", " : "").append(name).append(" = u.").append(name);
            }
            names.append(c > 0 ? ", " : "").append(name);
            arrays.append(c > 0 ? ", " : "").append("?::").append(arrayTypes[c].name()).append("[]");
        }
        String id = table.id().name();
        String sql = "update " + table.table() + " t set " + set + " from unnest(" + arrays + ") as u (" + names
                + ") where t." + id + " = u." + id + " returning t." + id;
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bindArrays(connection, statement, all, arrayTypes, entities, session);
            List<Object> found = new ArrayList<>(entities.size());
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    found.add(Objects.requireNonNull(key(result, 1, session), "an updated row's id"));
                }
            }
            return found;
        }
    }

    private void bindArrays(Connection connection, PreparedStatement statement, List<Column> all,
            ArrayType[] arrayTypes, List<?> entities, SharedSessionContractImplementor session) throws SQLException {
        for (int c = 0; c < all.size(); c++) {
            Column column = all.get(c);
            // An array of the element class (Long[], String[]), not Object[]: pgjdbc sends those in binary or
            // with a dedicated encoder, an Object[] as generic text the server parses again.
            Object[] values = (Object[]) Array.newInstance(arrayTypes[c].element(), entities.size());
            for (int r = 0; r < values.length; r++) {
                Object entity = entities.get(r);
                Object value = column == table.id() ? idOf(entity, session) : valueOf(column, entity);
                values[r] = jdbcValue(column, value, arrayTypes[c].element(), session);
            }
            statement.setArray(c + 1, connection.createArrayOf(arrayTypes[c].name(), values));
        }
    }

    @SuppressWarnings("unchecked")
    private static @Nullable Object jdbcValue(Column column, @Nullable Object value, Class<?> element,
            SharedSessionContractImplementor session) {
        if (value == null) {
            return null;
        }
        Object relational = column.jdbc().convertToRelationalValue(value);
        return relational == null ? null
                : ((JavaType<Object>) column.jdbc().getJdbcJavaType()).unwrap(relational, element, session);
    }

    /** A condition and the values it binds. */
    record Condition(String sql, List<Column> columns, List<Object> values) {
        static final Condition NONE = new Condition("", List.of(), List.of());

        String and() {
            return sql.isEmpty() ? "" : " and " + sql;
        }
    }

    /** Rows this model holds: all of a table of its own; of a shared table, those with its marker or columns set. */
    Condition present() {
        if (!table.sameTable()) {
            return Condition.NONE;
        }
        Column marker = table.marker();
        if (marker != null) {
            return new Condition(marker.name() + " = ?", List.of(marker), List.of(Boolean.TRUE));
        }
        List<String> set = new ArrayList<>();
        for (Column column : table.own()) {
            set.add(column.name() + " is not null");
        }
        return new Condition("(" + String.join(" or ", set) + ")", List.of(), List.of());
    }

    /** The negation of {@link #present()} on a shared table: a row this model does not hold yet. */
    Condition absent() {
        Column marker = table.marker();
        if (marker != null) {
            return new Condition("(" + marker.name() + " is null or " + marker.name() + " <> ?)", List.of(marker),
                    List.of(Boolean.TRUE));
        }
        List<String> unset = new ArrayList<>();
        for (Column column : table.own()) {
            unset.add(column.name() + " is null");
        }
        return new Condition(String.join(" and ", unset), List.of(), List.of());
    }

    String selectColumns() {
        StringBuilder sql = new StringBuilder("select ").append(table.id().name());
        for (Column column : table.columns()) {
            sql.append(", ").append(column.name());
        }
        return sql.append(" from ").append(table.table()).toString();
    }

    /** Reads the entity of the current row of a result of {@link #selectColumns()}. */
    Object entity(ResultSet result, SharedSessionContractImplementor session) throws SQLException {
        Object id = extract(result, 1, table.id(), session);
        Object entity = table.persister().instantiate(id, session);
        table.persister().setIdentifier(entity, id, session);
        int index = 2;
        for (Column column : table.columns()) {
            EntityTable.attribute(column).setValue(entity, extract(result, index++, column, session));
        }
        return entity;
    }

    @Nullable Object key(ResultSet result, int index, SharedSessionContractImplementor session) throws SQLException {
        return extract(result, index, table.id(), session);
    }

    /** Binds a condition's values from {@code index}; returns the next index. */
    int bind(PreparedStatement statement, int index, Condition condition, SharedSessionContractImplementor session)
            throws SQLException {
        for (int i = 0; i < condition.columns().size(); i++) {
            bind(statement, index++, condition.columns().get(i), condition.values().get(i), session);
        }
        return index;
    }

    void bindKey(PreparedStatement statement, int index, Object key, SharedSessionContractImplementor session)
            throws SQLException {
        bind(statement, index, table.id(), key, session);
    }

    /** {@code insert into t (id, c1, …) values (…), (…)} for {@code rows} rows. */
    String insert(int rows) {
        StringBuilder sql = new StringBuilder("insert into ").append(table.table()).append(" (")
                .append(table.id().name());
        StringBuilder row = new StringBuilder("(?");
        for (Column column : table.columns()) {
            sql.append(", ").append(column.name());
            row.append(", ?");
        }
        row.append(')');
        sql.append(") values ").append(row);
        for (int i = 1; i < rows; i++) {
            sql.append(", ").append(row);
        }
        return sql.toString();
    }

    /** How many rows one multi-row insert carries. */
    int rowsPerInsert() {
        return Math.max(1, MAX_PARAMETERS / (table.columns().size() + 1));
    }

    /** Binds one entity's row of an insert from {@code index}; the marker, if any, is always true. */
    int bindRow(PreparedStatement statement, int index, Object entity, SharedSessionContractImplementor session)
            throws SQLException {
        bind(statement, index++, table.id(), idOf(entity, session), session);
        for (Column column : table.columns()) {
            bind(statement, index++, column, valueOf(column, entity), session);
        }
        return index;
    }

    /** {@code update t set c = ?, … where id = ?} over the given columns (the marker, if among them, set true). */
    String update(List<Column> columns, Condition extra) {
        StringBuilder sql = new StringBuilder("update ").append(table.table()).append(" set ");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i > 0 ? ", " : "").append(columns.get(i).name()).append(" = ?");
        }
        return sql.append(" where ").append(table.id().name()).append(" = ?").append(extra.and()).toString();
    }

    /** Binds an update's values, its key and its extra condition. */
    void bindUpdate(PreparedStatement statement, List<Column> columns, Object entity, Condition extra,
            SharedSessionContractImplementor session) throws SQLException {
        int index = 1;
        for (Column column : columns) {
            bind(statement, index++, column, valueOf(column, entity), session);
        }
        bind(statement, index++, table.id(), idOf(entity, session), session);
        bind(statement, index, extra, session);
    }

    Object idOf(Object entity, SharedSessionContractImplementor session) {
        Object id = table.persister().getIdentifier(entity, session);
        if (id == null) {
            throw new IllegalArgumentException("mapped model of " + table.entity().getName() + ": the conversion to"
                    + " the entity left its id null; set it from the value's key");
        }
        return id;
    }

    private @Nullable Object valueOf(Column column, Object entity) {
        return column == table.marker() ? Boolean.TRUE : EntityTable.attribute(column).getValue(entity);
    }

    @SuppressWarnings("unchecked")
    private static void bind(PreparedStatement statement, int index, Column column, @Nullable Object value,
            SharedSessionContractImplementor session) throws SQLException {
        Object relational = value == null ? null : column.jdbc().convertToRelationalValue(value);
        ((ValueBinder<Object>) column.jdbc().getJdbcValueBinder()).bind(statement, relational, index, session);
    }

    private static @Nullable Object extract(ResultSet result, int index, Column column,
            SharedSessionContractImplementor session) throws SQLException {
        Object relational = column.jdbc().getJdbcValueExtractor().extract(result, index, session);
        return relational == null ? null : column.jdbc().convertToDomainValue(relational);
    }
}

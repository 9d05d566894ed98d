package io.dualrepo.hibernate.schema;

import io.dualrepo.hibernate.TestDatabase;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import liquibase.Liquibase;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** Applies the shipped scripts with the real tools, and describes tables as JDBC's catalogue sees them. */
final class Schemas {

    /** Every table the library uses, by its default name. */
    static final List<String> TABLES = List.of("dualrepo_pending_sync", "dualrepo_migration",
            "dualrepo_migration_history", "dualrepo_quarantine", "dualrepo_backfill_checkpoint",
            "dualrepo_backfill_lease", "dualrepo_verify_checkpoint", "dualrepo_verify_lease");

    static {
        // Liquibase 4.30+ would try to send usage data home; this machine has no network, and tests send nothing.
        System.setProperty("liquibase.analytics.enabled", "false");
    }

    private Schemas() {}

    /** Flyway's and Spring Boot's {@code {vendor}} for the database the tests run on. */
    static String vendor() {
        return TestDatabase.postgresql() ? "postgresql" : "h2";
    }

    static String dualRepoLocation() {
        return "classpath:db/dualrepo/flyway/" + vendor();
    }

    /** Flyway over these locations; {@code baseline} for a schema that holds tables already (an app's). */
    static MigrateResult flyway(TestDatabase database, boolean baseline, String... locations) {
        return Flyway.configure().dataSource(database.url(), database.user(), "").locations(locations)
                .baselineOnMigrate(baseline).load().migrate();
    }

    static MigrateResult flyway(TestDatabase database) {
        return flyway(database, false, dualRepoLocation());
    }

    /** Runs the shipped changelog with Liquibase, as an application's changelog that includes it would. */
    @SuppressWarnings("deprecation")
    static void liquibase(TestDatabase database) throws Exception {
        try (Connection connection = database.connect()) {
            Database target = DatabaseFactory.getInstance()
                    .findCorrectDatabaseImplementation(new JdbcConnection(connection));
            try (Liquibase liquibase = new Liquibase("db/dualrepo/liquibase/dualrepo-changelog.xml",
                    new ClassLoaderResourceAccessor(), target)) {
                liquibase.update("");
            }
        }
    }

    /**
     * The library's tables in the database as the catalogue has them: for each table, its columns in order (name,
     * type, size, nullability, whether generated), its primary key and its other indexes (name without the table's
     * name, columns). Names lower-case, as both databases fold them differently.
     */
    static Map<String, String> describe(TestDatabase database) throws SQLException {
        Map<String, String> tables = new TreeMap<>();
        try (Connection connection = database.connect()) {
            DatabaseMetaData metadata = connection.getMetaData();
            for (String table : TABLES) {
                String stored = storedName(connection, table);
                if (stored != null) {
                    tables.put(table, describe(connection, metadata, table, stored));
                }
            }
        }
        return tables;
    }

    /** The table's name as stored (H2 upper-case, PostgreSQL lower-case); null when there is none. */
    static String storedName(Connection connection, String table) throws SQLException {
        for (String name : new String[] {table, table.toUpperCase(Locale.ROOT)}) {
            try (ResultSet rows = connection.getMetaData().getTables(connection.getCatalog(), connection.getSchema(),
                    name, null)) {
                if (rows.next()) {
                    return name;
                }
            }
        }
        return null;
    }

    private static String describe(Connection connection, DatabaseMetaData metadata, String table, String stored)
            throws SQLException {
        String catalog = connection.getCatalog();
        String schema = connection.getSchema();
        List<String> lines = new ArrayList<>();
        try (ResultSet columns = metadata.getColumns(catalog, schema, stored, null)) {
            while (columns.next()) {
                lines.add("column " + columns.getInt("ORDINAL_POSITION") + " "
                        + lower(columns.getString("COLUMN_NAME")) + " " + lower(columns.getString("TYPE_NAME")) + "(" + columns.getInt("COLUMN_SIZE") + ")"
                        + (columns.getInt("NULLABLE") == DatabaseMetaData.columnNoNulls ? " not null" : " null")
                        + ("YES".equals(columns.getString("IS_AUTOINCREMENT")) ? " generated" : ""));
            }
        }
        Map<Integer, String> key = new TreeMap<>();
        try (ResultSet primary = metadata.getPrimaryKeys(catalog, schema, stored)) {
            while (primary.next()) {
                key.put(primary.getInt("KEY_SEQ"), lower(primary.getString("COLUMN_NAME")));
            }
        }
        lines.add("primary key " + key.values());
        Map<String, Map<Integer, String>> indexes = new TreeMap<>();
        try (ResultSet index = metadata.getIndexInfo(catalog, schema, stored, false, false)) {
            while (index.next()) {
                String name = lower(index.getString("INDEX_NAME"));
                // The primary key's own index is named by the database (H2: primary_key_..., PostgreSQL: ..._pkey).
                if (name == null || !name.startsWith(table + "_") || name.endsWith("_pkey")) {
                    continue;
                }
                indexes.computeIfAbsent(name.substring(table.length()), n -> new TreeMap<>())
                        .put(index.getInt("ORDINAL_POSITION"), lower(index.getString("COLUMN_NAME"))
                                + (index.getBoolean("NON_UNIQUE") ? "" : " unique"));
            }
        }
        indexes.forEach((name, columns) -> lines.add("index " + name + " " + columns.values()));
        return String.join("\n", lines);
    }

    private static String lower(String text) {
        return text == null ? null : text.toLowerCase(Locale.ROOT);
    }
}

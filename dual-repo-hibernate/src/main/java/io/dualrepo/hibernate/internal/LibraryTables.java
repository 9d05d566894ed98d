package io.dualrepo.hibernate.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hibernate.Session;
import org.jspecify.annotations.Nullable;

/**
 * The library's tables as the shipped Flyway script declares them ({@value #FLYWAY_LOCATION}/{@value #SCRIPT}, which
 * the Liquibase changelog runs too): the runtime creates its tables by running that script's statements, renamed
 * where the application renamed a table, so that what a migration tool creates and what the library creates cannot
 * drift apart. With table creation off, {@link #require} checks the tables and their columns at start instead, so
 * that a missing table fails with what to do rather than with an SQL error in the middle of a write.
 */
public final class LibraryTables {

    /** Where Flyway finds the script; {@code {vendor}} is Flyway's (and Spring Boot's) database id. */
    public static final String FLYWAY_LOCATION = "db/dualrepo/flyway/{vendor}";
    public static final String SCRIPT = "R__dualrepo_tables.sql";
    public static final String LIQUIBASE_CHANGELOG = "db/dualrepo/liquibase/dualrepo-changelog.xml";

    private static final Pattern CREATE_TABLE = Pattern.compile("create table if not exists (\\w+) \\((.*)\\)");
    private static final Pattern CREATE_INDEX =
            Pattern.compile("create index if not exists (\\w+) on (\\w+) (\\(.*\\))");
    private static final Pattern ADD_COLUMN =
            Pattern.compile("alter table (\\w+) add column if not exists (\\w+) (.*)");
    private static final Map<String, List<Ddl>> SCRIPTS = new ConcurrentHashMap<>();

    /** One statement of the script: on {@code table}; {@code index} or {@code column} for those kinds. */
    private record Ddl(Kind kind, String table, @Nullable String name, String rest) {

        String render(Map<String, String> names) {
            String table = names.getOrDefault(this.table, this.table);
            return switch (kind) {
                case TABLE -> "create table if not exists " + table + " (" + rest + ")";
                // An index is named after its table, without the table's schema (it lives in the table's).
                case INDEX -> "create index if not exists " + simple(table)
                        + String.valueOf(name).substring(this.table.length()) + " on " + table + " " + rest;
                case COLUMN -> "alter table " + table + " add column if not exists " + name + " " + rest;
            };
        }
    }

    private enum Kind { TABLE, INDEX, COLUMN }

    private LibraryTables() {}

    /**
     * Runs the script's statements on {@code names}' tables (default name to the name in use), in the script's
     * order, on the session's connection.
     */
    public static void create(Session session, Map<String, String> names) {
        session.doWork(connection -> {
            try (Statement statement = connection.createStatement()) {
                for (String sql : statements(vendor(connection), names)) {
                    statement.execute(sql);
                }
            }
        });
    }

    /** The statements {@link #create} runs on a database of this vendor ({@code h2}, {@code postgresql}). */
    public static List<String> statements(String vendor, Map<String, String> names) {
        List<Ddl> script = script(vendor);
        checkKnown(script, names);
        List<String> statements = new ArrayList<>();
        for (Ddl ddl : script) {
            if (names.containsKey(ddl.table())) {
                statements.add(ddl.render(names));
            }
        }
        return statements;
    }

    /**
     * Throws unless each of {@code names}' tables exists in the session's database with every column the script
     * gives it: for a component built not to create its tables ({@code who}, as the message names it).
     */
    public static void require(Session session, Map<String, String> names, String who) {
        List<String> problems = session.doReturningWork(connection -> {
            List<Ddl> script = script(vendor(connection));
            checkKnown(script, names);
            List<String> found = new ArrayList<>();
            for (Map.Entry<String, String> table : names.entrySet()) {
                Set<String> columns = columns(connection, table.getValue());
                if (columns.isEmpty()) {
                    found.add("table " + table.getValue() + " is missing");
                    continue;
                }
                List<String> lacking = new ArrayList<>();
                for (String column : declaredColumns(script, table.getKey())) {
                    if (!columns.contains(column)) {
                        lacking.add(column);
                    }
                }
                if (!lacking.isEmpty()) {
                    found.add("table " + table.getValue() + " lacks column" + (lacking.size() == 1 ? " " : "s ")
                            + String.join(", ", lacking));
                }
            }
            if (!found.isEmpty()) {
                found.add(0, "schema " + connection.getSchema());
            }
            return found;
        });
        if (!problems.isEmpty()) {
            throw new IllegalStateException(who + " was built with createTables(false), and in its database ("
                    + problems.get(0) + ") " + String.join("; ", problems.subList(1, problems.size()))
                    + ". Create the library's tables before it starts with the scripts in dual-repo-hibernate's jar:"
                    + " Flyway location classpath:" + FLYWAY_LOCATION + " or Liquibase changelog "
                    + LIQUIBASE_CHANGELOG + " (docs/hibernate.md, \"Schema\"); or build it with createTables(true)"
                    + " to let it create them.");
        }
    }

    /** The columns the script gives a table (by its default name), lower-case, in order. */
    public static List<String> declaredColumns(String vendor, String table) {
        List<Ddl> script = script(vendor);
        checkKnown(script, Map.of(table, table));
        return declaredColumns(script, table);
    }

    private static List<String> declaredColumns(List<Ddl> script, String table) {
        Set<String> columns = new LinkedHashSet<>();
        for (Ddl ddl : script) {
            if (!ddl.table().equals(table)) {
                continue;
            }
            if (ddl.kind() == Kind.TABLE) {
                for (String definition : topLevelParts(ddl.rest())) {
                    String first = definition.split(" ", 2)[0];
                    if (!first.equals("primary") && !first.equals("constraint") && !first.equals("unique")) {
                        columns.add(first);
                    }
                }
            } else if (ddl.kind() == Kind.COLUMN) {
                columns.add(String.valueOf(ddl.name()));
            }
        }
        return List.copyOf(columns);
    }

    /** The columns of a table as the catalogue has them, lower-case; empty when there is no such table. */
    private static Set<String> columns(Connection connection, String table) throws SQLException {
        int dot = table.indexOf('.');
        String schema = dot < 0 ? connection.getSchema() : table.substring(0, dot);
        String name = table.substring(dot + 1);
        DatabaseMetaData metadata = connection.getMetaData();
        Set<String> columns = new LinkedHashSet<>();
        // Unquoted names are stored lower-case by PostgreSQL, upper-case by H2 and the standard.
        for (boolean upper : new boolean[] {false, true}) {
            try (ResultSet rows = metadata.getColumns(connection.getCatalog(), spelled(schema, upper),
                    spelled(name, upper), null)) {
                while (rows.next()) {
                    columns.add(rows.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
                }
            }
        }
        return columns;
    }

    private static @Nullable String spelled(@Nullable String name, boolean upper) {
        return name == null ? null : upper ? name.toUpperCase(Locale.ROOT) : name.toLowerCase(Locale.ROOT);
    }

    /** {@code h2} or {@code postgresql}; any other database gets PostgreSQL's statements, which are standard SQL. */
    static String vendor(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        return product.contains("h2") ? "h2" : "postgresql";
    }

    private static void checkKnown(List<Ddl> script, Map<String, String> names) {
        for (String table : names.keySet()) {
            if (script.stream().noneMatch(ddl -> ddl.kind() == Kind.TABLE && ddl.table().equals(table))) {
                throw new IllegalArgumentException("the library's script declares no table " + table);
            }
        }
    }

    private static List<Ddl> script(String vendor) {
        return SCRIPTS.computeIfAbsent(vendor, LibraryTables::parse);
    }

    private static List<Ddl> parse(String vendor) {
        String path = FLYWAY_LOCATION.replace("{vendor}", vendor) + "/" + SCRIPT;
        String text;
        try (InputStream in = LibraryTables.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("dual-repo-hibernate's jar lacks " + path);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path + " from dual-repo-hibernate's jar", e);
        }
        // The script has no string literals, so "--" always starts a comment and ";" always ends a statement.
        List<Ddl> script = new ArrayList<>();
        for (String raw : text.replaceAll("--[^\n]*", "").split(";")) {
            String sql = raw.replaceAll("\\s+", " ").replace("( ", "(").replace(" )", ")").trim();
            if (sql.isEmpty()) {
                continue;
            }
            script.add(ddl(path, sql));
        }
        return List.copyOf(script);
    }

    private static Ddl ddl(String path, String sql) {
        Matcher table = CREATE_TABLE.matcher(sql);
        if (table.matches()) {
            return new Ddl(Kind.TABLE, table.group(1), null, table.group(2));
        }
        Matcher index = CREATE_INDEX.matcher(sql);
        if (index.matches()) {
            if (!index.group(1).startsWith(index.group(2) + "_")) {
                throw new IllegalStateException(path + ": index " + index.group(1) + " is not named after its table");
            }
            return new Ddl(Kind.INDEX, index.group(2), index.group(1), index.group(3));
        }
        Matcher column = ADD_COLUMN.matcher(sql);
        if (column.matches()) {
            return new Ddl(Kind.COLUMN, column.group(1), column.group(2), column.group(3));
        }
        throw new IllegalStateException(path + ": a statement the library cannot run as its own: " + sql);
    }

    /** Splits a table body at the commas outside parentheses. */
    private static List<String> topLevelParts(String body) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(body.substring(start, i).trim());
                start = i + 1;
            }
        }
        parts.add(body.substring(start).trim());
        return parts;
    }

    private static String simple(String table) {
        return table.substring(table.lastIndexOf('.') + 1);
    }

    /** The default names mapped to themselves, for tables whose names cannot change. */
    public static Map<String, String> asDeclared(String... tables) {
        Map<String, String> names = new LinkedHashMap<>();
        for (String table : tables) {
            names.put(table, table);
        }
        return names;
    }
}

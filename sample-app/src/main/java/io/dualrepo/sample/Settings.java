package io.dualrepo.sample;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * How the sample app is configured: command-line flags ({@code --db-url=...}) win over environment variables
 * ({@code DB_URL}). With none, everything is embedded: H2 in memory and in-memory flags.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>flag</th><th>environment</th><th>meaning</th></tr>
 *   <tr><td>--db-url</td><td>DB_URL</td><td>JDBC URL of the application's database (default: H2 in memory)</td></tr>
 *   <tr><td>--db-user, --db-password</td><td>DB_USER, DB_PASSWORD</td><td>its credentials</td></tr>
 *   <tr><td>--new-db-url</td><td>NEW_DB_URL</td><td>a second database for the new model (cross-database)</td></tr>
 *   <tr><td>--new-db-user, --new-db-password</td><td>NEW_DB_USER, NEW_DB_PASSWORD</td><td>its credentials</td></tr>
 *   <tr><td>--unleash-url</td><td>UNLEASH_URL</td><td>routes from this Unleash server instead of in memory</td></tr>
 *   <tr><td>--unleash-api-token</td><td>UNLEASH_API_TOKEN</td><td>its client token (required with the URL)</td></tr>
 *   <tr><td>--flag-prefix</td><td>FLAG_PREFIX</td><td>the flags' prefix (default {@code dualrepo.})</td></tr>
 *   <tr><td>--port</td><td>PORT</td><td>serve mode's HTTP port (default 8080; 0 picks a free one)</td></tr>
 *   <tr><td>--planted-bug</td><td>PLANTED_BUG</td><td>serve mode: start with the new model's mapping bug</td></tr>
 *   <tr><td>--operator-token</td><td>OPERATOR_TOKEN</td><td>serve mode: the bearer token of the operator API (default:
 *   a random one, printed once on the console in the operator page's address)</td></tr>
 * </table>
 *
 * @param mode {@code demo} or {@code serve}
 */
public record Settings(
        String mode,
        Optional<Database> database,
        Optional<Database> newDatabase,
        Optional<String> unleashUrl,
        Optional<String> unleashApiToken,
        int port,
        boolean plantedBug,
        String flagPrefix,
        Optional<String> operatorToken) {

    /** A JDBC database; user and password empty to leave them to the URL. */
    public record Database(String url, Optional<String> user, Optional<String> password) {
        public boolean isPostgreSql() {
            return url.startsWith("jdbc:postgresql:");
        }

        @Override
        public String toString() {
            return "Database[url=" + url + ", user=" + user + ", password=" + password.map(secret -> "(set)") + "]";
        }
    }

    public static final List<String> MODES = List.of("demo", "serve");
    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_FLAG_PREFIX = "dualrepo.";
    /** A shorter operator token could be guessed; the generated ones are 43 characters. */
    public static final int MIN_OPERATOR_TOKEN_LENGTH = 16;

    public Settings(String mode, Optional<Database> database, Optional<Database> newDatabase,
            Optional<String> unleashUrl, Optional<String> unleashApiToken, int port, boolean plantedBug) {
        this(mode, database, newDatabase, unleashUrl, unleashApiToken, port, plantedBug, DEFAULT_FLAG_PREFIX);
    }

    public Settings(String mode, Optional<Database> database, Optional<Database> newDatabase,
            Optional<String> unleashUrl, Optional<String> unleashApiToken, int port, boolean plantedBug,
            String flagPrefix) {
        this(mode, database, newDatabase, unleashUrl, unleashApiToken, port, plantedBug, flagPrefix,
                Optional.empty());
    }

    /** The same settings with this operator token. */
    public Settings withOperatorToken(String token) {
        return new Settings(mode, database, newDatabase, unleashUrl, unleashApiToken, port, plantedBug, flagPrefix,
                Optional.of(token));
    }

    public Settings {
        if (flagPrefix == null || flagPrefix.isBlank()) {
            throw new IllegalArgumentException("the flag prefix must not be empty");
        }
        if (!MODES.contains(mode)) {
            throw new IllegalArgumentException("unknown mode '" + mode + "': expected one of " + MODES);
        }
        if (unleashUrl.isPresent() && unleashApiToken.isEmpty()) {
            throw new IllegalArgumentException("UNLEASH_URL is set but UNLEASH_API_TOKEN is not: the Unleash server"
                    + " needs a client token");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port " + port + " is not a TCP port");
        }
        // The token travels in a header and in the page's address: printable ASCII without spaces only. The
        // message never repeats it.
        if (operatorToken.isPresent() && !operatorToken.get().matches("[\\x21-\\x7e]{"
                + MIN_OPERATOR_TOKEN_LENGTH + ",}")) {
            throw new IllegalArgumentException("OPERATOR_TOKEN must be at least " + MIN_OPERATOR_TOKEN_LENGTH
                    + " printable ASCII characters without spaces (leave it unset for a random one)");
        }
    }

    /** Like the record's, but never with the operator token: settings may be logged, the token must not be. */
    @Override
    public String toString() {
        return "Settings[mode=" + mode + ", database=" + database + ", newDatabase=" + newDatabase + ", unleashUrl="
                + unleashUrl + ", unleashApiToken=" + unleashApiToken.map(token -> "(set)") + ", port=" + port
                + ", plantedBug=" + plantedBug + ", flagPrefix=" + flagPrefix + ", operatorToken="
                + operatorToken.map(token -> "(set)") + "]";
    }

    /** Everything embedded: the demo as the README runs it. */
    public static Settings embedded(String mode) {
        return new Settings(mode, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                DEFAULT_PORT, false);
    }

    public static Settings fromArguments(String[] arguments) {
        return parse(arguments, System::getenv);
    }

    static Settings parse(String[] arguments, Function<String, String> environment) {
        String mode = "demo";
        Map<String, String> flags = new HashMap<>();
        for (String argument : arguments) {
            if (argument.startsWith("--")) {
                int equals = argument.indexOf('=');
                String name = equals < 0 ? argument.substring(2) : argument.substring(2, equals);
                String value = equals < 0 ? "true" : argument.substring(equals + 1);
                if (!FLAGS.contains(name)) {
                    throw new IllegalArgumentException("unknown flag --" + name + ": expected one of --"
                            + String.join(", --", FLAGS));
                }
                flags.put(name, value);
            } else {
                mode = argument;
            }
        }
        Function<String, Optional<String>> setting = name -> Optional.ofNullable(flags.get(name))
                .or(() -> Optional.ofNullable(environment.apply(name.toUpperCase(Locale.ROOT).replace('-', '_'))))
                .filter(value -> !value.isBlank());
        Optional<Database> database = setting.apply("db-url")
                .map(url -> new Database(url, setting.apply("db-user"), setting.apply("db-password")));
        Optional<Database> newDatabase = setting.apply("new-db-url")
                .map(url -> new Database(url, setting.apply("new-db-user"), setting.apply("new-db-password")));
        int port = setting.apply("port").map(value -> {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("port '" + value + "' is not a number");
            }
        }).orElse(DEFAULT_PORT);
        boolean plantedBug = setting.apply("planted-bug").map(Boolean::parseBoolean).orElse(false);
        return new Settings(mode, database, newDatabase, setting.apply("unleash-url"),
                setting.apply("unleash-api-token"), port, plantedBug,
                setting.apply("flag-prefix").orElse(DEFAULT_FLAG_PREFIX), setting.apply("operator-token"));
    }

    private static final List<String> FLAGS = List.of("db-url", "db-user", "db-password", "new-db-url",
            "new-db-user", "new-db-password", "unleash-url", "unleash-api-token", "flag-prefix", "port", "planted-bug",
            "operator-token");
}

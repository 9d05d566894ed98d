package io.dualrepo.sample;

import static io.dualrepo.sample.serve.ApiClient.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import io.dualrepo.sample.Settings.Database;
import io.dualrepo.sample.serve.ApiClient;
import io.dualrepo.sample.serve.Server;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The demo and serve modes on the local PostgreSQL (127.0.0.1:5432, database test, user postgres): profile
 * {@code postgresql}, which {@code .ci/run} runs. Each test works in schemas of its own and drops them; a second
 * schema stands for the second database (no transaction spans the two connections pools either way).
 */
@Tag("postgresql")
class PostgresTest {

    private static final String SERVER = System.getProperty("sample.test.postgresql.url",
            "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String USER = System.getProperty("sample.test.postgresql.user", "postgres");

    private final List<String> schemas = new ArrayList<>();

    private Database schema(String purpose) throws SQLException {
        String name = "sample_" + purpose + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 4);
        try (Connection connection = DriverManager.getConnection(SERVER, USER, "");
                Statement statement = connection.createStatement()) {
            statement.execute("create schema " + name);
        }
        schemas.add(name);
        return new Database(SERVER + "?currentSchema=" + name, Optional.of(USER), Optional.empty());
    }

    @AfterEach
    void dropSchemas() throws SQLException {
        try (Connection connection = DriverManager.getConnection(SERVER, USER, "");
                Statement statement = connection.createStatement()) {
            for (String schema : schemas) {
                statement.execute("drop schema " + schema + " cascade");
            }
        }
    }

    @Test
    void theDemoOnPostgreSql() throws Exception {
        Settings settings = new Settings("demo", Optional.of(schema("demo")), Optional.empty(), Optional.empty(),
                Optional.empty(), Settings.DEFAULT_PORT, false);
        DemoRuns.runAndCheck(settings, "postgresql");
    }

    @Test
    void theDemoWithTheNewModelInASecondPostgreSqlDatabase() throws Exception {
        Settings settings = new Settings("demo", Optional.of(schema("old")), Optional.of(schema("new")),
                Optional.empty(), Optional.empty(), Settings.DEFAULT_PORT, false);
        DemoRuns.runAndCheck(settings, "postgresql-two-databases");
    }

    @Test
    void serveOnPostgreSql() throws Exception {
        Settings settings = new Settings("serve", Optional.of(schema("serve")), Optional.empty(), Optional.empty(),
                Optional.empty(), 0, true);
        try (Server server = Server.start(settings)) {
            ApiClient api = new ApiClient(server);
            api.setStage("SHADOW");
            ApiClient.Reply created = api.post("/api/incidents",
                    "{\"organisationId\": \"org-001\", \"title\": \"Payments failing\", \"status\": \"monitoring\"}");
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            String id = created.object().get("id").getAsString();
            for (int i = 0; i < 20; i++) {
                assertThat(api.get("/api/incidents/" + id).object().get("status").getAsString())
                        .as("the caller gets the old model's answer in SHADOW, bug or not").isEqualTo("monitoring");
            }
            // The planted bug, caught on PostgreSQL as on H2: mismatches counted, on the page and in the metrics.
            eventually(() -> api.comparisons("mismatch"), count -> count >= 20, "mismatches on the page");
            assertThat(api.metric("dualrepo_comparisons_total",
                    Map.of("repository", "incidents", "method", "findById", "outcome", "mismatch")))
                    .isGreaterThanOrEqualTo(20);

            // Reads move to the new model on evidence only: the backfill and a clean verification, on record in
            // PostgreSQL next to the data.
            assertThat(api.post("/api/operator/planted-bug", "{\"planted\": false}").status()).isEqualTo(200);
            api.backfillAndVerify();
            api.setStage("LIVE");
            assertThat(api.put("/api/incidents/" + id + "/status", "{\"status\": \"closed\"}").status())
                    .isEqualTo(200);
            api.setStage("DUAL_WRITE");
            assertThat(api.get("/api/incidents/" + id).object().get("status").getAsString())
                    .as("the write in LIVE reached the old model too").isEqualTo("closed");
            JsonArray history = api.state().getAsJsonObject("record").getAsJsonArray("history");
            assertThat(history.get(0).getAsJsonObject().get("to").getAsString()).isEqualTo("DUAL_WRITE");
            assertThat(history.get(1).getAsJsonObject().get("to").getAsString()).isEqualTo("LIVE");
            assertThat(api.post("/api/operator/stage", "{\"stage\": \"NEW_ONLY\"}").status())
                    .as("writes to OLD cannot stop while DUAL_WRITE reads it").isEqualTo(409);
        }
    }
}

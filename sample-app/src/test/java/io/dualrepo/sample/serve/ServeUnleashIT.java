package io.dualrepo.sample.serve;

import static io.dualrepo.sample.serve.ApiClient.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.dualrepo.flags.it.UnleashAdmin;
import io.dualrepo.flags.it.UnleashServer;
import io.dualrepo.sample.Settings;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Serve mode with its routes from a real Unleash server: the stage flag's variant decides, the operator page says
 * where routes come from and refuses to set them itself, a flag change reaches the calls, and a flag the migration
 * record's rules refuse changes nothing (the page shows why). Profile
 * {@code unleash-it}; the server is the flags suite's ({@code dual-repo-flags/src/it/unleash-server.sh start}).
 */
class ServeUnleashIT {

    @Test
    void routesComeFromUnleashAndChangeThere() throws Exception {
        UnleashServer unleash = UnleashServer.fromSystemProperties();
        assertThat(unleash.healthy()).as("an Unleash server answers at %s (start it with"
                + " dual-repo-flags/src/it/unleash-server.sh start)", unleash.url()).isTrue();
        UnleashAdmin admin = new UnleashAdmin(unleash);
        // Flags of this run only, so that reruns and the flags suite never see each other's.
        String prefix = "sample" + System.currentTimeMillis() + ".";
        String stage = prefix + "incidents.stage";
        admin.create(stage);
        admin.rollout(stage, 100, "SHADOW");
        admin.on(stage);
        Settings settings = new Settings("serve", Optional.empty(), Optional.empty(),
                Optional.of(unleash.url().toString()), Optional.of(unleash.clientToken()), 0, true, prefix);
        try (Server server = Server.start(settings)) {
            ApiClient api = new ApiClient(server);
            eventually(() -> stageOf(api), "SHADOW"::equals, "the stage from Unleash");
            assertThat(route(api).get("origin").getAsString())
                    .isEqualTo("Unleash at " + unleash.url() + " (flags " + prefix + "incidents.*)");
            assertThat(route(api).get("controllable").getAsBoolean()).isFalse();
            ApiClient.Reply refused = api.post("/api/operator/stage", "{\"stage\": \"NEW_ONLY\"}");
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.error()).startsWith("Routes come from Unleash at " + unleash.url());

            // SHADOW as Unleash set it: the old model answers, the planted bug shows only as mismatches.
            String id = api.createIncident("org-002", "Search returns nothing", "monitoring");
            for (int i = 0; i < 10; i++) {
                assertThat(status(api, id)).isEqualTo("monitoring");
            }
            eventually(() -> api.comparisons("mismatch"), count -> count >= 10, "mismatches of the planted bug");

            assertThat(api.post("/api/operator/planted-bug", "{\"planted\": false}").status()).isEqualTo(200);
            JsonObject shadowTaken = api.state().getAsJsonObject("record").getAsJsonArray("history").get(0)
                    .getAsJsonObject();
            assertThat(shadowTaken.get("to").getAsString()).isEqualTo("SHADOW");
            assertThat(shadowTaken.get("origin").getAsString()).isEqualTo("ROUTE_SOURCE");

            // A flag the rules refuse changes nothing: NEW cannot serve reads before its backfill and a clean
            // verification. The runtime keeps SHADOW and says why, on the page too.
            admin.rollout(stage, 100, "NEW_ONLY");
            JsonObject record = eventually(() -> api.state().getAsJsonObject("record"),
                    r -> !r.get("lastRefusal").isJsonNull(), "the runtime to refuse NEW_ONLY");
            assertThat(record.get("lastRefusal").getAsString()).contains("NEW cannot serve reads");
            assertThat(stageOf(api)).isEqualTo("SHADOW");

            // Changed in Unleash, not here: with the backfill and a clean verification on record, reads move to the
            // new model within the SDK's polling interval.
            api.backfillAndVerify();
            admin.rollout(stage, 100, "LIVE");
            eventually(() -> route(api).get("read").getAsString(), "NEW"::equals, "reads from NEW after the flag");
            assertThat(status(api, id)).as("written to both in SHADOW, so NEW has it").isEqualTo("monitoring");
        } finally {
            admin.archiveCreated();
        }
    }

    private static JsonObject route(ApiClient api) {
        return api.state().getAsJsonObject("route");
    }

    /** The preset the route matches, or empty when it matches none (routes from flags need not). */
    private static String stageOf(ApiClient api) {
        JsonElement stage = route(api).get("stage");
        return stage == null || stage.isJsonNull() ? "" : stage.getAsString();
    }

    private static String status(ApiClient api, String id) {
        ApiClient.Reply reply = api.get("/api/incidents/" + id);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.object().get("status").getAsString();
    }
}

package io.dualrepo.openfeature;

import static io.dualrepo.Side.NEW;
import static io.dualrepo.Side.OLD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.openfeature.contrib.providers.flagd.Config;
import dev.openfeature.contrib.providers.flagd.FlagdOptions;
import dev.openfeature.contrib.providers.flagd.FlagdProvider;
import dev.openfeature.sdk.OpenFeatureAPI;
import io.dualrepo.routing.Comparison;
import io.dualrepo.routing.ReadSource;
import io.dualrepo.routing.Route;
import io.dualrepo.routing.Stage;
import io.dualrepo.routing.WriteTargets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routes from the flagd provider in its offline file mode: a flagd flag definition file, evaluated in process,
 * watched for changes. The file (src/test/resources/flagd/accounts.flagd.json) targets three tenants to LIVE and
 * leaves the rest in SHADOW, compares a quarter of reads, and writes NEW for another repository.
 */
class FlagdFileRoutingTest {

    private final OpenFeatureAPI api = OpenFeatureAPI.createIsolated();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @TempDir
    Path folder;

    private Path flagFile;

    @BeforeEach
    void startFlagd() throws IOException {
        flagFile = folder.resolve("flags.json");
        try (InputStream in = getClass().getResourceAsStream("/flagd/accounts.flagd.json")) {
            Files.write(flagFile, in.readAllBytes());
        }
        api.setProviderAndWait(new FlagdProvider(FlagdOptions.builder()
                .resolverType(Config.Resolver.FILE)
                .offlineFlagSourcePath(flagFile.toString())
                .offlinePollIntervalMs(50)
                // The first start in a JVM loads the flag schema and its validator: slower than flagd's 500 ms
                // default on a busy machine.
                .deadline(10_000)
                .build()));
    }

    @AfterEach
    void shutDown() {
        api.shutdown();
    }

    private OpenFeatureRouteSource source() {
        return OpenFeatureRouteSource.builder().client(api.getClient()).meterRegistry(registry).build();
    }

    @Test
    void theFileRoutesEachRepositoryAndTargetsTenantsByTheirRoutingKey() {
        Set<String> live = Set.of("t-2", "t-5", "t-7");
        try (OpenFeatureRouteSource source = source(); Accounts accounts = new Accounts(source, registry)) {
            assertThat(source.isReady()).isTrue();
            for (int t = 0; t < 10; t++) {
                String tenant = "t-" + t;
                Route expected = live.contains(tenant)
                        ? Route.of(ReadSource.NEW, WriteTargets.BOTH, Comparison.sampled(0.25))
                        : Route.of(ReadSource.OLD, WriteTargets.BOTH, Comparison.sampled(0.25));
                assertThat(source.route("accounts", tenant)).as(tenant).contains(expected);
                assertThat(accounts.readSide(tenant)).as(tenant).isEqualTo(live.contains(tenant) ? NEW : OLD);
            }
            // Another repository's switch, a boolean flag: write-new on, the others missing.
            assertThat(source.route("ledger", "t-1")).contains(Stage.DUAL_WRITE.route());
        }
    }

    @Test
    void changingTheFileChangesTheRoutes() throws IOException {
        try (OpenFeatureRouteSource source = source(); Accounts accounts = new Accounts(source, registry)) {
            assertThat(accounts.readSide("t-1")).isEqualTo(OLD);
            assertThat(accounts.readSide("t-2")).isEqualTo(NEW);

            // Every tenant to RAMPDOWN.
            String json = Files.readString(flagFile, StandardCharsets.UTF_8)
                    .replace("\"defaultVariant\": \"shadow\"", "\"defaultVariant\": \"rampdown\"")
                    .replace("\"live\": \"LIVE\"", "\"live\": \"LIVE\", \"rampdown\": \"RAMPDOWN\"")
                    .replace("\"live\",\n          \"shadow\"", "\"rampdown\",\n          \"rampdown\"");
            assertThat(json).contains("\"rampdown\",\n          \"rampdown\"");
            rewrite(json);

            Accounts.await("RAMPDOWN is routed for t-1", () -> accounts.readSides("t-1").equals(List.of(NEW)));
            assertThat(accounts.readSides("t-2")).containsExactly(NEW);
            assertThat(source.route("accounts", "t-9")).contains(Stage.RAMPDOWN.route());
        }
    }

    @Test
    void aBadValueInTheFileIsRefusedAndTheLastValidRouteKept() throws IOException {
        try (OpenFeatureRouteSource source = source()) {
            Optional<Route> before = source.route("accounts", "t-1");
            assertThat(before).contains(Route.of(ReadSource.OLD, WriteTargets.BOTH, Comparison.sampled(0.25)));

            rewrite(Files.readString(flagFile, StandardCharsets.UTF_8).replace("\"SHADOW\"", "\"SHADOWED\""));

            Accounts.await("the bad stage is refused", () -> {
                source.route("accounts", "t-1");
                return registry.find(OpenFeatureMetrics.REFUSED).counter().count() > 0;
            });
            assertThat(source.route("accounts", "t-1")).isEqualTo(before);
        }
    }

    private void rewrite(String json) throws IOException {
        Files.writeString(flagFile, json, StandardCharsets.UTF_8);
        // The provider polls the modification time; a rewrite within the file system's granularity would not show.
        Files.setLastModifiedTime(flagFile, FileTime.from(Instant.now().plusSeconds(5)));
    }
}

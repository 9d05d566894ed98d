package io.dualrepo.openfeature;

import static io.dualrepo.Side.NEW;
import static io.dualrepo.Side.OLD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.providers.memory.Flag;
import dev.openfeature.sdk.providers.memory.InMemoryProvider;
import io.dualrepo.Side;
import io.dualrepo.record.MigrationRecord;
import io.dualrepo.routing.Stage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The migration record's stage-change rules apply to routes from OpenFeature flags as to any other: a stage flag
 * that skips the backfill, or goes back to reading OLD after NEW_ONLY, is refused by the runtime.
 */
class OpenFeatureTransitionsTest {

    private static final String STAGE = "dualrepo.accounts.stage";

    private final OpenFeatureAPI api = OpenFeatureAPI.createIsolated();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MigrationRecord record = MigrationRecord.inMemory();
    private final InMemoryProvider provider = new InMemoryProvider(new HashMap<>());

    @AfterEach
    void shutDown() {
        api.shutdown();
    }

    private OpenFeatureRouteSource source() {
        api.setProviderAndWait(provider);
        return OpenFeatureRouteSource.builder().client(api.getClient()).meterRegistry(registry).build();
    }

    private void setStage(Stage stage) {
        provider.updateFlag(STAGE, Flag.<String>builder().variant("only", stage.name()).defaultVariant("only").build());
    }

    @Test
    void oldOnlyStraightToLiveIsRefused() {
        try (OpenFeatureRouteSource source = source(); Accounts accounts = new Accounts(source, registry, record)) {
            assertThat(accounts.readSide("t-1")).isEqualTo(OLD);

            setStage(Stage.LIVE);
            Accounts.await("the runtime refuses LIVE", () -> {
                accounts.readSide("t-1");
                return accounts.dualRepo.lastRefusal("accounts").isPresent();
            });

            assertThat(accounts.readSide("t-1")).isEqualTo(OLD);
            assertThat(accounts.dualRepo.lastRefusal("accounts")).get().asString().contains("never been written");
            assertThat(accounts.counter("dualrepo.route.refused")).isPositive();
        }
    }

    @Test
    void afterNewOnlyAStageThatReadsOldAgainIsRefused() {
        try (OpenFeatureRouteSource source = source(); Accounts accounts = new Accounts(source, registry, record)) {
            setStage(Stage.DUAL_WRITE);
            Accounts.await("DUAL_WRITE is routed", () -> accounts.writeSides("t-1").equals(List.of(OLD, NEW)));
            record.recordBackfill("accounts", Side.NEW, Instant.now(), Instant.now(), 0, "test backfill");
            record.recordVerification("accounts", Instant.now(), true, "clean", "test verifier");
            setStage(Stage.LIVE);
            Accounts.await("LIVE is routed", () -> accounts.readSide("t-1") == NEW);
            setStage(Stage.NEW_ONLY);
            Accounts.await("NEW_ONLY is routed", () -> accounts.writeSides("t-1").equals(List.of(NEW)));
            accounts.accounts.save("t-1", "written under NEW_ONLY");

            // A rollback straight to reading OLD, which misses every write since NEW_ONLY.
            setStage(Stage.SHADOW);
            Accounts.await("the runtime refuses SHADOW", () -> {
                accounts.readSide("t-1");
                return accounts.dualRepo.lastRefusal("accounts").isPresent();
            });

            assertThat(accounts.readSides("t-1")).containsExactly(NEW);
            assertThat(accounts.dualRepo.currentRoute("accounts")).isEqualTo(Stage.NEW_ONLY.route());
            assertThat(accounts.dualRepo.lastRefusal("accounts")).get().asString().contains("OLD cannot serve reads");
        }
    }

    @Test
    void anInstanceStartingBeforeItsProviderIsReadyRoutesAsTheRecordSaysUntilItIs() throws Exception {
        try (OpenFeatureRouteSource source = source(); Accounts accounts = new Accounts(source, registry, record)) {
            setStage(Stage.DUAL_WRITE);
            Accounts.await("DUAL_WRITE is routed", () -> accounts.writeSides("t-1").equals(List.of(OLD, NEW)));
        }

        // Another instance, whose provider is still connecting when calls arrive.
        CountDownLatch connected = new CountDownLatch(1);
        InMemoryProvider slow = new InMemoryProvider(new HashMap<>(Map.of(STAGE,
                Flag.<String>builder().variant("only", "SHADOW").defaultVariant("only").build()))) {
            @Override
            public void initialize(EvaluationContext context) throws Exception {
                connected.await();
                super.initialize(context);
            }
        };
        OpenFeatureAPI other = OpenFeatureAPI.createIsolated();
        try {
            other.setProvider(slow);
            SimpleMeterRegistry otherRegistry = new SimpleMeterRegistry();
            try (OpenFeatureRouteSource source = OpenFeatureRouteSource.builder().client(other.getClient())
                    .meterRegistry(otherRegistry).build();
                    Accounts restarted = new Accounts(source, otherRegistry, record)) {
                assertThat(source.isReady()).isFalse();
                assertThat(restarted.writeSides("t-1")).containsExactly(OLD, NEW);
                assertThat(restarted.logLines("WARN")).anySatisfy(line -> assertThat(line)
                        .contains("flag provider not ready"));

                connected.countDown();
                Accounts.await("SHADOW is routed", () -> restarted.readSides("t-1").equals(List.of(OLD, NEW)));
                assertThat(source.isReady()).isTrue();
            }
        } finally {
            connected.countDown();
            other.shutdown();
        }
    }
}

package io.dualrepo.flags;

import static io.dualrepo.Side.NEW;
import static io.dualrepo.Side.OLD;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.Side;
import io.dualrepo.record.MigrationRecord;
import io.dualrepo.routing.Stage;
import io.getunleash.DefaultUnleash;
import io.getunleash.FakeUnleash;
import io.getunleash.util.UnleashConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, cases 1 and 3 through Unleash flags: the record's rules apply to routes from flags as to any other, and
 * an instance that starts while the flag service is unreachable routes as the fleet last did.
 */
class FlagTransitionsTest {

    private static final FlagNames FLAGS = FlagNames.of("accounts");

    private final FakeUnleash fake = new FakeUnleash();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MigrationRecord record = MigrationRecord.inMemory();

    private UnleashRouteSource source() {
        return UnleashRouteSource.builder().unleash(fake).meterRegistry(registry).build();
    }

    /** Flags to NEW_ONLY the way a team would turn them, with the backfill and verification on record. */
    private void walkToNewOnly(Accounts accounts, UnleashRouteSource source) {
        fake.enable(FLAGS.writeNew());
        source.refresh();
        assertThat(accounts.writeSides("t-1")).containsExactly(OLD, NEW);
        Instant backfill = Instant.now();
        record.recordBackfill("accounts", Side.NEW, backfill, Instant.now(), 0, "test backfill");
        record.recordVerification("accounts", Instant.now(), true, "clean", "test verifier");
        fake.enable(FLAGS.readNew());
        source.refresh();
        assertThat(accounts.readSide("t-1")).isEqualTo(NEW);
        fake.disable(FLAGS.writeOld());
        source.refresh();
        assertThat(accounts.writeSides("t-1")).containsExactly(NEW);
    }

    @Test
    void afterNewOnlyFlagsThatReadOldAgainAreRefused() {
        UnleashRouteSource source = source();
        fake.enable(FLAGS.writeOld());
        try (Accounts accounts = new Accounts(source, registry, record)) {
            walkToNewOnly(accounts, source);
            accounts.accounts.save("t-1", "written under NEW_ONLY");

            // A rollback straight to reading OLD, which misses every write since NEW_ONLY.
            fake.disable(FLAGS.readNew());
            fake.enable(FLAGS.writeOld());
            source.refresh();

            assertThat(accounts.readSide("t-1")).isEqualTo(NEW);
            assertThat(accounts.dualRepo.currentRoute("accounts")).isEqualTo(Stage.NEW_ONLY.route());
            assertThat(accounts.dualRepo.lastRefusal("accounts")).get().asString().contains("OLD cannot serve reads");
            assertThat(accounts.counter("dualrepo.route.refused")).isPositive();
        }
    }

    @Test
    void oldOnlyFlagsStraightToReadNewAreRefused() {
        UnleashRouteSource source = source();
        try (Accounts accounts = new Accounts(source, registry, record)) {
            fake.enable(FLAGS.readNew(), FLAGS.writeNew());
            source.refresh();

            assertThat(accounts.readSide("t-1")).isEqualTo(OLD);
            assertThat(accounts.dualRepo.lastRefusal("accounts")).get().asString().contains("never been written");
        }
    }

    @Test
    void anInstanceStartingWhileTheFlagServiceIsUnreachableRoutesByTheRecord() {
        UnleashRouteSource running = source();
        fake.enable(FLAGS.writeOld());
        try (Accounts accounts = new Accounts(running, registry, record)) {
            walkToNewOnly(accounts, running);
        }
        UnleashRouteSource unreachable = UnleashRouteSource.builder()
                .meterRegistry(registry)
                .unleash(subscriber -> new DefaultUnleash(UnleashConfig.builder()
                        .appName("dual-repo-test")
                        // Nothing listens on the discard port: every fetch is refused.
                        .unleashAPI("http://127.0.0.1:9/api/")
                        .fetchTogglesInterval(1)
                        .disableMetrics()
                        .subscriber(subscriber)
                        .build()))
                .build();
        try (Accounts restarted = new Accounts(unreachable, registry, record)) {
            assertThat(unreachable.isReady()).isFalse();
            assertThat(restarted.writeSides("t-1")).containsExactly(NEW);
            assertThat(restarted.readSide("t-1")).isEqualTo(NEW);
        } finally {
            unreachable.close();
        }
    }
}

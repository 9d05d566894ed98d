package io.dualrepo.hibernate.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.hibernate.backfill.Backfill;
import io.dualrepo.hibernate.backfill.PersonWorld;
import io.dualrepo.hibernate.backfill.PersonWorld.Bad;
import io.dualrepo.hibernate.backfill.PersonWorld.Layout;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Quarantined keys as the verifier reports them: a category of their own, apart from keys missing or differing for
 * no known reason, never clean; and repaired from the source of truth once their value can be stored, which takes
 * them out of the quarantine.
 */
class VerifierQuarantineTest {

    private PersonWorld world;

    @AfterEach
    void tearDown() throws Exception {
        world.close();
    }

    @Test
    void quarantinedKeysAreReportedApartFromKeysMissingForNoKnownReason() {
        world = PersonWorld.create(Layout.ONE_DATABASE);
        world.seed(50, Map.of(4, Bad.TOO_LONG, 30, Bad.NULL_NAME));
        Backfill.builder(world.migration).batchSize(20).build().run();
        // And one good row lost from NEW, which nothing explains.
        world.newDatabase.execute("delete from persons_v2 where id = '" + PersonWorld.key(20) + "'");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        VerificationResult<String> result = Verifier.builder(world.migration).pageSize(7).meterRegistry(registry)
                .build().verify();

        assertThat(result.quarantined()).isEqualTo(2);
        assertThat(result.quarantinedSample()).containsExactly(PersonWorld.key(8), PersonWorld.key(60));
        assertThat(result.missingInNew()).isEqualTo(1);
        assertThat(result.missingInNewSample()).containsExactly(PersonWorld.key(20));
        assertThat(result.discrepancies()).isEqualTo(3);
        assertThat(result.isClean()).isFalse();
        assertThat(result.summary()).contains("missing in NEW: 1 (" + PersonWorld.key(20) + ")")
                .contains("quarantined (a model rejected them: see dualrepo_quarantine): 2 (" + PersonWorld.key(8)
                        + ", " + PersonWorld.key(60) + ")");
        assertThat(registry.get(Verifier.DISCREPANCIES).tag("kind", "quarantined").counter().count()).isEqualTo(2);
        assertThat(registry.get(Verifier.DISCREPANCIES).tag("kind", "missing_new").counter().count()).isEqualTo(1);
    }

    @Test
    void aRepairThatStoresAQuarantinedKeyTakesItOutOfTheQuarantine() {
        world = PersonWorld.create(Layout.TWO_DATABASES);
        world.seed(30, Map.of(3, Bad.ONE_WORD, 9, Bad.TOO_LONG));
        Backfill.builder(world.migration).batchSize(20).build().run();
        world.fixInOld(Map.of(PersonWorld.key(6), "Fixed Name"));

        VerificationResult<String> repaired = Verifier.builder(world.migration).meterRegistry(new SimpleMeterRegistry())
                .build().verifyAndRepair();

        assertThat(repaired.quarantined()).isEqualTo(2);
        assertThat(repaired.repaired()).isEqualTo(1);
        assertThat(repaired.repairFailures()).isEqualTo(1);
        assertThat(repaired.repairFailureSample()).containsOnlyKeys(PersonWorld.key(18));
        assertThat(repaired.repairFailureSample().get(PersonWorld.key(18))).contains("[SQLState 22001]")
                .doesNotContain(PersonWorld.SECRET);
        assertThat(world.quarantine()).containsOnlyKeys(PersonWorld.key(18));
        VerificationResult<String> after = Verifier.builder(world.migration).meterRegistry(new SimpleMeterRegistry())
                .build().verify();
        assertThat(after.quarantined()).isEqualTo(1);
        assertThat(after.discrepancies()).isEqualTo(1);
    }
}

package io.dualrepo.hibernate.durable;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.Side;
import io.dualrepo.hibernate.backfill.PersonWorld;
import io.dualrepo.hibernate.backfill.PersonWorld.Layout;
import io.dualrepo.hibernate.model.Person;
import io.dualrepo.hibernate.model.PersonRepository;
import io.dualrepo.hibernate.quarantine.QuarantinedRow;
import io.dualrepo.hibernate.verify.VerificationResult;
import io.dualrepo.hibernate.verify.Verifier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The repair of a key whose value the new model rejects: it goes on with the other keys, records the key in the
 * quarantine of the new model's database, and keeps the key's pending rows (they keep reads off NEW) until the value
 * can be stored. A failure that is not the value's quarantines nothing.
 */
class RepairQuarantineTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private PersonWorld world;
    private PendingSyncRepair repair;
    private PersonRepository persons;

    @BeforeEach
    void setUp() {
        world = PersonWorld.create(Layout.TWO_DATABASES);
        persons = world.dualRepository();
        repair = PendingSyncRepair.builder().migration(world.migration).meterRegistry(registry).build();
    }

    @AfterEach
    void tearDown() throws Exception {
        repair.close();
        world.close();
    }

    private long pending() {
        return PendingSyncTable.defaults().count(world.oldSessions, "persons");
    }

    @Test
    void aKeyTheNewModelRejectsIsQuarantinedAndKeepsItsPendingRowsUntilItsValueIsFixed() {
        String bad = "p-00001";
        persons.save(new Person("p-00000", "Ada Lovelace"));
        // One word: the new model has no last name to store; its half of the dual write fails, the key waits.
        persons.save(new Person(bad, PersonWorld.SECRET + "mononym"));
        persons.save(new Person("p-00002", "Grace Hopper"));
        assertThat(pending()).isEqualTo(1);

        RepairResult first = repair.repairNow();

        assertThat(first.keysFailed()).isEqualTo(1);
        assertThat(first.keysRejected()).isEqualTo(1);
        assertThat(pending()).isEqualTo(1);
        QuarantinedRow row = world.quarantine().get(bad);
        assertThat(row.target()).isEqualTo(Side.NEW);
        assertThat(row.foundBy()).isEqualTo("repair");
        assertThat(row.sqlState()).isEqualTo("23502");
        assertThat(row.error()).contains("[SQLState 23502]").doesNotContain(PersonWorld.SECRET);
        assertThat(row.attempts()).isEqualTo(1);

        assertThat(repair.repairNow().keysRejected()).isEqualTo(1);
        assertThat(world.quarantine().get(bad).attempts()).isEqualTo(2);
        assertThat(registry.get(SyncMetrics.REPAIR_REJECTED).tag(SyncMetrics.TAG_SIDE, Side.NEW.tag()).counter()
                .count()).isEqualTo(2);

        // The verifier reports it as quarantined, not as a key missing for no known reason.
        VerificationResult<String> verified = Verifier.builder(world.migration).meterRegistry(registry).build()
                .verify();
        assertThat(verified.quarantined()).isEqualTo(1);
        assertThat(verified.quarantinedSample()).containsExactly(bad);
        assertThat(verified.missingInNew()).isZero();
        assertThat(verified.summary()).contains("quarantined").contains(bad);

        world.fixInOld(Map.of(bad, "Cher Sarkisian"));
        RepairResult fixed = repair.repairNow();

        assertThat(fixed.keysSynced()).isEqualTo(1);
        assertThat(fixed.keysRejected()).isZero();
        assertThat(pending()).isZero();
        assertThat(world.quarantine()).isEmpty();
        assertThat(world.newRows()).isEqualTo(world.oldRows());
    }

    @Test
    void aFailureThatIsNotTheValuesQuarantinesNothing() {
        // The new model's table is away (SQLState class 42, the schema's fault, not the row's).
        world.newDatabase.execute("alter table persons_v2 rename to persons_v2_away");
        persons.save(new Person("p-00000", "Ada Lovelace"));
        assertThat(pending()).isEqualTo(1);

        RepairResult failed = repair.repairNow();

        assertThat(failed.keysFailed()).isEqualTo(1);
        assertThat(failed.keysRejected()).isZero();
        assertThat(world.quarantine()).isEmpty();
        assertThat(pending()).isEqualTo(1);

        world.newDatabase.execute("alter table persons_v2_away rename to persons_v2");
        assertThat(repair.repairNow().keysSynced()).isEqualTo(1);
        assertThat(world.newRows()).isEqualTo(world.oldRows());
    }
}

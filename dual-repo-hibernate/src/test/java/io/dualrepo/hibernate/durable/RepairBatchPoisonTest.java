package io.dualrepo.hibernate.durable;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.dualrepo.Side;
import io.dualrepo.hibernate.Transactions;
import io.dualrepo.hibernate.backfill.PersonWorld;
import io.dualrepo.hibernate.backfill.PersonWorld.Bad;
import io.dualrepo.hibernate.backfill.PersonWorld.Layout;
import io.dualrepo.hibernate.backfill.PersonWorld.Models;
import io.dualrepo.hibernate.model.Person;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/**
 * A batch holding a key whose value the new model refuses: the batch fails as a whole, its keys are synced one by
 * one, and only that key stays pending, its failure counted; nothing the database quoted from the value is logged.
 * With the models built from the mappings ({@code EntityModel}: batch reads of one query), in one database and two.
 */
class RepairBatchPoisonTest {

    private static final int KEYS = 450;
    private static final int POISON = 333;

    private PersonWorld world;

    @AfterEach
    void tearDown() throws Exception {
        if (world != null) {
            world.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void aKeyTheTargetRefusesStaysPendingAndTheRestOfItsBatchIsRepaired(Layout layout) {
        world = PersonWorld.create(layout, Models.MAPPED);
        world.seed(KEYS, Map.of(POISON, Bad.ONE_WORD));
        List<String> keys = new ArrayList<>();
        for (int n = 0; n < KEYS; n++) {
            keys.add(PersonWorld.key(2 * n));
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PendingSyncRepair repair = PendingSyncRepair.builder().migration(world.migration).batchSize(200)
                .logInterval(Duration.ZERO).meterRegistry(registry).build();
        Transactions.of(world.oldSessions).runInTransaction(session -> {
            PendingSyncTable.defaults().insert(session, world.migration.name(), keys, Side.NEW);
        });
        String poison = PersonWorld.key(2 * POISON);
        Logger logger = (Logger) LoggerFactory.getLogger(PendingSyncRepair.class);
        Level level = logger.getLevel();
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        logger.setLevel(Level.DEBUG);
        RepairResult first;
        RepairResult second;
        try {
            first = repair.repairNow();
            second = repair.repairNow();
        } finally {
            logger.detachAppender(logs);
            logger.setLevel(level);
        }

        assertThat(first.keysSynced()).isEqualTo(KEYS - 1);
        assertThat(first.keysFailed()).isEqualTo(1);
        assertThat(first.keysRejected()).isEqualTo(1);
        assertThat(second.keysSynced()).isZero();
        assertThat(second.keysFailed()).isEqualTo(1);
        assertThat(world.oldDatabase.rows("select sync_key, target_side, attempts from "
                + PendingSyncTable.DEFAULT_NAME)).containsExactly(poison + " NEW 2");
        assertThat(world.oldDatabase.rows("select last_error from " + PendingSyncTable.DEFAULT_NAME))
                .singleElement().asString().contains("23502").doesNotContain(PersonWorld.SECRET);
        assertThat(registry.get(SyncMetrics.REPAIR_FAILURES).tag(SyncMetrics.TAG_SIDE, Side.NEW.tag()).counter()
                .count()).isEqualTo(2);
        List<Person> expected = new ArrayList<>(world.oldRows());
        expected.removeIf(person -> person.id().equals(poison));
        assertThat(world.newRows()).isEqualTo(expected);

        // The batch path ran, failed on the poison key's page, and fell back for that page only.
        assertThat(logs.list).anySatisfy(event -> assertThat(event.getFormattedMessage())
                .contains("a repair batch of").contains("synced one by one"));
        assertThat(logs.list).anySatisfy(event -> assertThat(event.getFormattedMessage())
                .contains("pending-sync repair:").contains("of " + KEYS + " keys").contains("keys/s"));
        for (ILoggingEvent event : logs.list) {
            assertThat(event.getFormattedMessage()).doesNotContain(PersonWorld.SECRET);
            for (IThrowableProxy thrown = event.getThrowableProxy(); thrown != null; thrown = thrown.getCause()) {
                assertThat(String.valueOf(thrown.getMessage())).doesNotContain(PersonWorld.SECRET);
            }
        }
    }
}

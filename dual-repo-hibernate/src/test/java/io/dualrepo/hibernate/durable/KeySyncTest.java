package io.dualrepo.hibernate.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualrepo.Side;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.model.Incident;
import java.sql.SQLException;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The per-key state transfer on two databases, with writes placed exactly where a race would put them. */
class KeySyncTest {

    private TwoDatabases databases;

    @BeforeEach
    void setUp() {
        databases = TwoDatabases.inMemory();
    }

    @AfterEach
    void tearDown() throws SQLException {
        databases.close();
    }

    @Test
    void writesRemovesOrLeavesAloneAccordingToWhatTheSourceHolds() {
        KeySync<String, Incident> sync = KeySync.of(databases.migration);
        databases.put(Side.OLD, new Incident("i-1", "org-1", "database slow", "fixing"));
        databases.put(Side.NEW, new Incident("i-2", "org-1", "queue stuck", "fixing"));

        assertThat(sync.sync(Side.OLD, "i-1")).isEqualTo(KeySync.Outcome.WRITTEN);
        assertThat(sync.sync(Side.OLD, "i-1")).isEqualTo(KeySync.Outcome.IN_SYNC);
        assertThat(sync.sync(Side.OLD, "i-2")).isEqualTo(KeySync.Outcome.REMOVED);
        assertThat(sync.sync(Side.OLD, "i-3")).isEqualTo(KeySync.Outcome.IN_SYNC);
        assertThat(databases.newIncidents()).containsExactly("i-1 database slow fixing");
    }

    @Test
    void aDualWriteLandingBetweenTheSyncsReadAndItsWriteIsNotOverwrittenWithTheOlderValue() {
        databases.put(Side.OLD, new Incident("i-1", "org-1", "database slow", "fixing"));
        Incident newer = new Incident("i-1", "org-1", "database slow", "closed");
        // Right after the sync read "fixing" from OLD, a dual write puts "closed" in OLD and then in NEW, and its
        // own pending row is gone: if the sync then wrote "fixing", nothing would ever repair NEW.
        Migration<String, Incident> migration = withSourceHook(call -> {
            if (call == 1) {
                databases.put(Side.OLD, newer);
                databases.put(Side.NEW, newer);
            }
        });

        KeySync.Outcome outcome = KeySync.of(migration).sync(Side.OLD, "i-1");

        assertThat(outcome).isEqualTo(KeySync.Outcome.WRITTEN);
        assertThat(databases.newIncidents()).containsExactly("i-1 database slow closed");
        assertThat(databases.oldIncidents()).containsExactly("i-1 database slow closed");
    }

    @Test
    void aKeyThatChangesOnEveryRoundIsGivenUpOnWithAClearError() {
        databases.put(Side.OLD, new Incident("i-1", "org-1", "version 0", "fixing"));
        Migration<String, Incident> migration = withSourceHook(call ->
                databases.put(Side.OLD, new Incident("i-1", "org-1", "version " + call, "fixing")));

        assertThatThrownBy(() -> KeySync.of(migration).sync(Side.OLD, "i-1"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("incidents: key i-1 still differed from OLD after " + KeySync.MAX_ROUNDS
                        + " sync rounds (it keeps changing, or the NEW model does not store what it is given)");
    }

    /** The migration with OLD running {@code hook} (given the call's number, from 1) after each of its reads. */
    private Migration<String, Incident> withSourceHook(IntConsumer hook) {
        return AfterFind.onOld(databases, hook);
    }
}

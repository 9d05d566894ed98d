package io.dualrepo.hibernate.durable;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.Side;
import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.verify.VerificationResult;
import io.dualrepo.hibernate.verify.Verifier;
import io.dualrepo.routing.Stage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The process dies between the two writes of a cross-database dual write, for real: a child JVM makes the write
 * and halts as its secondary write begins. Then, in this JVM, on the databases the child wrote to (H2 file
 * databases served by this process, or PostgreSQL schemas): the primary has the write, the secondary does not, the
 * pending-sync row says so, and the repair brings the secondary up to date with nothing lost.
 */
class ProcessDeathTest {

    private TwoDatabases databases;
    private PendingSyncRepair repair;
    private Path childOutput;

    @BeforeEach
    void setUp() throws IOException {
        databases = TwoDatabases.shared();
        for (Side side : Side.values()) {
            databases.put(side, new Incident("i-1", "org-1", "database slow", "investigating"));
            databases.put(side, new Incident("i-2", "org-1", "queue stuck", "fixing"));
        }
        repair = PendingSyncRepair.builder().migration(databases.migration)
                .meterRegistry(new SimpleMeterRegistry()).build();
        childOutput = Files.createTempFile("dualrepo-dying-write-", ".log");
    }

    @AfterEach
    void tearDown() throws SQLException, IOException {
        databases.close();
        Files.deleteIfExists(childOutput);
    }

    @Test
    void anInsertWhoseProcessDiedBeforeTheSecondaryWriteIsRepaired() throws Exception {
        dieDuring(Stage.DUAL_WRITE, "save", "i-3", "disk full", "fixing");

        assertThat(databases.oldIncidents()).contains("i-3 disk full fixing");
        assertThat(databases.newIncidents()).noneMatch(row -> row.startsWith("i-3 "));
        assertThat(databases.pending(Side.OLD)).containsExactly("i-3 NEW 0");

        repairAndVerify();
        assertThat(databases.newIncidents()).contains("i-3 disk full fixing");
    }

    @Test
    void anUpdateWhoseProcessDiedBeforeTheSecondaryWriteIsRepaired() throws Exception {
        dieDuring(Stage.DUAL_WRITE, "save", "i-1", "database slow", "closed");

        assertThat(databases.oldIncidents()).contains("i-1 database slow closed");
        assertThat(databases.newIncidents()).contains("i-1 database slow investigating");
        assertThat(databases.pending(Side.OLD)).containsExactly("i-1 NEW 0");

        repairAndVerify();
        assertThat(databases.newIncidents()).contains("i-1 database slow closed");
    }

    @Test
    void aDeleteWhoseProcessDiedBeforeTheSecondaryWriteIsRepaired() throws Exception {
        dieDuring(Stage.DUAL_WRITE, "delete", "i-2");

        assertThat(databases.oldIncidents()).containsExactly("i-1 database slow investigating");
        assertThat(databases.newIncidents()).contains("i-2 queue stuck fixing");
        assertThat(databases.pending(Side.OLD)).containsExactly("i-2 NEW 0");

        repairAndVerify();
        assertThat(databases.newIncidents()).containsExactly("i-1 database slow investigating");
    }

    @Test
    void withNewAsPrimaryTheRowIsInNewsDatabaseAndOldIsRepaired() throws Exception {
        dieDuring(Stage.LIVE, "save", "i-3", "disk full", "fixing");

        assertThat(databases.newIncidents()).contains("i-3 disk full fixing");
        assertThat(databases.oldIncidents()).noneMatch(row -> row.startsWith("i-3 "));
        assertThat(databases.pending(Side.NEW)).containsExactly("i-3 OLD 0");
        assertThat(databases.pending(Side.OLD)).isEmpty();

        repairAndVerify();
        assertThat(databases.oldIncidents()).contains("i-3 disk full fixing");
    }

    @Test
    void severalDeathsInARowAreAllRepairedInOnePass() throws Exception {
        dieDuring(Stage.DUAL_WRITE, "save", "i-3", "disk full", "fixing");
        dieDuring(Stage.DUAL_WRITE, "save", "i-3", "disk full", "monitoring");
        dieDuring(Stage.DUAL_WRITE, "delete", "i-1");

        assertThat(databases.pending(Side.OLD)).containsExactly("i-1 NEW 0", "i-3 NEW 0", "i-3 NEW 0");

        RepairResult result = repairAndVerify();
        assertThat(result.keysSynced()).isEqualTo(2);
        assertThat(databases.newIncidents()).containsExactly("i-2 queue stuck fixing", "i-3 disk full monitoring");
    }

    /** Runs the write in a JVM of its own and checks that it died where it should. */
    private void dieDuring(Stage stage, String... write) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                DyingDualWrite.class.getName(),
                databases.oldDatabase.url(), databases.newDatabase.url(), databases.oldDatabase.user(), stage.name()));
        command.addAll(List.of(write));
        Process child = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(childOutput.toFile())
                .start();
        if (!child.waitFor(120, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            throw new AssertionError("the child JVM did not finish in 120 s:\n" + output());
        }
        assertThat(child.exitValue())
                .as("exit status of the child JVM (%d: it died between the two writes); its output:%n%s",
                        DyingDualWrite.DIED_BETWEEN_THE_WRITES, output())
                .isEqualTo(DyingDualWrite.DIED_BETWEEN_THE_WRITES);
    }

    private String output() throws IOException {
        return Files.readString(childOutput, StandardCharsets.UTF_8);
    }

    private RepairResult repairAndVerify() {
        RepairResult result = repair.repairNow();
        VerificationResult<String> verification = Verifier.builder(databases.migration)
                .meterRegistry(new SimpleMeterRegistry()).build().verify();

        assertThat(result.keysFailed()).isZero();
        assertThat(verification.isClean()).as(verification.summary()).isTrue();
        assertThat(databases.pending(Side.OLD)).isEmpty();
        assertThat(databases.pending(Side.NEW)).isEmpty();
        assertThat(databases.oldIncidents()).isEqualTo(databases.newIncidents());
        return result;
    }
}

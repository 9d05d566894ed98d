package io.dualrepo.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.compare.Difference;
import io.dualrepo.record.Origin;
import io.dualrepo.record.RecordEntry;
import io.dualrepo.routing.Stage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Runs the demo end to end and checks its result object: what every database set-up of it must show. */
final class DemoRuns {

    static final List<String> FIXED_STAGES = List.of("SHADOW, bug fixed", "LIVE", "rollback: read OLD", "LIVE again");

    private DemoRuns() {}

    static Demo.Result runAndCheck(Settings settings, String name) throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Demo.Result result;
        try (Demo demo = new Demo(settings, new PrintStream(buffer, true, StandardCharsets.UTF_8),
                Duration.ofMillis(1500), 4_000)) {
            result = demo.run();
        }
        String output = buffer.toString(StandardCharsets.UTF_8);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "demo-" + name + ".txt"), output);

        // What the demo exists to show, from its result rather than its text.
        assertThat(result.lostWrites()).withFailMessage("writes lost; the demo printed:%n%s", output).isZero();
        assertThat(result.failedCalls()).withFailMessage("calls failed; the demo printed:%n%s", output).isZero();
        assertThat(result.afterBackfill().isClean()).as(result.afterBackfill().summary()).isTrue();
        assertThat(result.finalVerification().isClean()).as(result.finalVerification().summary()).isTrue();
        // Verified the seeded history and the traffic's incidents (as many created as deleted, about), not two
        // empty tables.
        assertThat(result.finalVerification().oldRowsScanned())
                .isGreaterThan((long) Demo.ORGANISATIONS * Demo.INCIDENTS_PER_ORGANISATION / 2);
        assertThat(result.succeeded()).isTrue();

        // The planted bug is caught with its diff, and only while it is planted.
        assertThat(result.caughtMismatch()).get().satisfies(mismatch -> assertThat(mismatch.differences())
                .containsExactly(new Difference("$.status", "\"monitoring\"", "\"fixing\"")));
        Demo.StageFigures planted = result.stage("SHADOW, planted bug");
        assertThat(planted.mismatches()).isGreaterThan(50);
        for (String stage : FIXED_STAGES) {
            Demo.StageFigures fixed = result.stage(stage);
            // What can remain are background reads racing the clients' own next writes, which comparing live data
            // off the caller's thread cannot rule out entirely: far fewer than the bug caused.
            assertThat(fixed.matches()).as(stage).isGreaterThan(planted.mismatches() / 10);
            assertThat(fixed.mismatches()).as(stage).isLessThan(planted.mismatches() / 10);
        }

        // Each stage touched the models it names and no other.
        assertThat(result.stage("OLD_ONLY").newCalls()).isZero();
        assertThat(result.stage("OLD_ONLY").oldCalls()).isPositive();
        assertThat(result.stage("DUAL_WRITE").newCalls()).isPositive();
        assertThat(result.stage("DUAL_WRITE").matches() + result.stage("DUAL_WRITE").mismatches()).isZero();
        assertThat(result.stage("RAMPDOWN").matches() + result.stage("RAMPDOWN").mismatches()).isZero();
        assertThat(result.stage("NEW_ONLY").oldCalls()).isZero();
        assertThat(result.stage("NEW_ONLY").newCalls()).isPositive();
        // A second write can fail on its own only racing the backfill's copy of the same row (a unique violation; in
        // one database, in the savepoint that keeps the first write): the pending-sync repair then brings it over,
        // which the clean verifications and the zero lost above show. Outside the backfill, none fails.
        assertThat(result.stages()).filteredOn(stage -> !stage.label().startsWith("backfill:"))
                .allSatisfy(stage -> assertThat(stage.secondaryWriteFailures()).as(stage.label()).isZero());

        // The walk was the rules' own: every stage taken in order, on evidence the backfill and verifier recorded.
        List<RecordEntry> oldestFirst = new ArrayList<>(result.history());
        Collections.reverse(oldestFirst);
        assertThat(oldestFirst).filteredOn(entry -> entry.origin() == Origin.ROUTE_SOURCE)
                .extracting(RecordEntry::to).containsExactly(Stage.DUAL_WRITE.route(), Stage.SHADOW.route(),
                        Stage.LIVE.route(), Stage.SHADOW.route(), Stage.LIVE.route(), Stage.RAMPDOWN.route(),
                        Stage.NEW_ONLY.route());
        assertThat(oldestFirst).extracting(RecordEntry::origin).contains(Origin.BACKFILL, Origin.VERIFICATION)
                .doesNotContain(Origin.FORCE, Origin.MISSED_WRITE);
        // And the rollback that would read a model missing every write since NEW_ONLY was refused, with a reason.
        assertThat(result.refusedRollback()).get().satisfies(refusal -> {
            assertThat(refusal.stage()).isEqualTo(Stage.OLD_ONLY);
            assertThat(refusal.kept()).isEqualTo(Stage.NEW_ONLY.route());
            assertThat(refusal.reason()).contains("OLD cannot serve reads");
        });
        assertThat(output).contains("try OLD_ONLY (rollback after NEW_ONLY): refused, NEW_ONLY stays");
        assertThat(result.stage("NEW_ONLY, rollback refused").lostWrites()).isZero();
        assertThat(result.stage("NEW_ONLY, rollback refused").oldCalls()).isZero();
        return result;
    }
}

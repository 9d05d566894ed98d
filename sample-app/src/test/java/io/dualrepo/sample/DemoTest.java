package io.dualrepo.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DemoTest {

    @Test
    void theWholePlaybookRunsUnderTrafficCatchesThePlantedBugAndLosesNothing() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Demo demo = new Demo(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        int lost;
        try {
            lost = demo.run();
        } finally {
            demo.close();
        }
        String output = buffer.toString(StandardCharsets.UTF_8);

        java.nio.file.Files.writeString(java.nio.file.Path.of("target", "demo-output.txt"), output);
        assertThat(lost).withFailMessage("writes lost; the demo printed:%n%s", output).isZero();
        assertThat(output).contains("acknowledged writes lost: 0");
        // The planted bug shows up as a status difference, and only while it is planted.
        assertThat(output).contains("caught: findById [$.status: old=\"monitoring\" new=\"fixing\"]");
        int[] planted = figuresOf(output, "SHADOW (planted bug)");
        assertThat(planted[MISMATCH]).isGreaterThan(100);
        // Once fixed, what can remain are background reads racing the traffic's own writes, which comparing
        // live data off the caller's thread cannot rule out entirely (more of them on a loaded machine): far
        // fewer than the bug caused.
        for (String stage : new String[] {"SHADOW (bug fixed)", "LIVE", "rollback: read OLD again"}) {
            int[] fixed = figuresOf(output, stage);
            assertThat(fixed[MATCH]).as(stage).isGreaterThan(planted[MISMATCH] / 10);
            assertThat(fixed[MISMATCH]).as(stage).isLessThan(planted[MISMATCH] / 10);
        }
    }

    private static final int MATCH = 2;
    private static final int MISMATCH = 3;

    private static int[] figuresOf(String output, String stage) {
        for (String line : output.split("\n")) {
            if (line.startsWith(stage + " ")) {
                String[] columns = line.substring(34).trim().split("\\s+");
                int[] figures = new int[columns.length];
                for (int i = 0; i < columns.length; i++) {
                    figures[i] = Integer.parseInt(columns[i]);
                }
                return figures;
            }
        }
        throw new AssertionError("no row for " + stage + " in:\n" + output);
    }
}

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

        assertThat(lost).as(output).isZero();
        assertThat(output).contains("acknowledged writes lost: 0");
        // The planted bug shows up as a status difference, and only while it is planted.
        assertThat(output).containsPattern("caught: find\\w+ \\[\\$[^\\n]*status: old=\"monitoring\" new=\"fixing\"");
        assertThat(mismatchesOf(output, "SHADOW (planted bug)")).isPositive();
        assertThat(mismatchesOf(output, "SHADOW (bug fixed)")).isZero();
        assertThat(mismatchesOf(output, "LIVE")).isZero();
    }

    private static int mismatchesOf(String output, String stage) {
        for (String line : output.split("\n")) {
            if (line.startsWith(stage + " ")) {
                String[] columns = line.substring(34).trim().split("\\s+");
                return Integer.parseInt(columns[3]);
            }
        }
        throw new AssertionError("no row for " + stage + " in:\n" + output);
    }
}

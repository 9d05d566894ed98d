package io.dualrepo.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The catalogue and the docs say the same: docs/guide.md's metrics table has exactly one row per meter of this
 * module, as the catalogue describes it. (What the runtime registers is checked against the catalogue where a
 * decorator runs: dual-repo-processor's MetersMatchTheCatalogueTest.)
 */
class CoreMetersTest {

    @Test
    void guideTableEqualsTheCatalogue() throws IOException {
        assertThat(guideRows("core")).as("docs/guide.md's metrics table; the rows it should hold are in"
                + " target/meter-rows.md").containsExactlyElementsOf(expectedRows(CoreMeters.values(), "core"));
    }

    /** The catalogue's rows, also written to target/meter-rows.md to be pasted into the guide when they differ. */
    static List<String> expectedRows(MeterDescription[] catalogue, String module) throws IOException {
        List<String> rows = Stream.of(catalogue).map(meter -> row(meter, module)).toList();
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", "meter-rows.md"), rows);
        return rows;
    }

    @Test
    void namesAreUniqueAndTagKeysBounded() {
        Set<String> names = new HashSet<>();
        for (CoreMeters meter : CoreMeters.values()) {
            assertThat(names.add(meter.meterName())).as(meter.meterName()).isTrue();
            assertThat(meter.meterName()).startsWith("dualrepo.");
            assertThat(meter.tagKeys()).isSubsetOf(DualRepoMetrics.TAG_REPOSITORY, DualRepoMetrics.TAG_METHOD,
                    DualRepoMetrics.TAG_SIDE, DualRepoMetrics.TAG_OUTCOME, DualRepoMetrics.TAG_REASON,
                    DualRepoMetrics.TAG_STATE, DualRepoMetrics.TAG_DIRECTION);
            assertThat(meter.description()).isNotBlank().doesNotContain("|");
        }
    }

    /** The row docs/guide.md gives {@code meter}. */
    static String row(MeterDescription meter, String module) {
        return "| `" + meter.meterName() + "` | " + module + " | " + meter.type().name().toLowerCase(Locale.ROOT)
                .replace('_', ' ') + " | " + (meter.baseUnit().isEmpty() ? "-" : meter.baseUnit()) + " | "
                + (meter.tagKeys().isEmpty() ? "-" : String.join(", ", meter.tagKeys())) + " | "
                + meter.description() + " |";
    }

    /** The rows of docs/guide.md's metrics table for {@code module}, in order. */
    static List<String> guideRows(String module) throws IOException {
        List<String> rows = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("..", "docs", "guide.md"))) {
            if (line.startsWith("| `dualrepo.") && line.contains("` | " + module + " | ")) {
                rows.add(line);
            }
        }
        return rows;
    }
}

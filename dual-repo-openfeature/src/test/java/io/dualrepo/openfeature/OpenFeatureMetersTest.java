package io.dualrepo.openfeature;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.metrics.MeterDescription;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/guide.md's metrics table has exactly one row per meter of this module, as {@link OpenFeatureMeters} describes
 * it; the flag-decision meters the route sources share are the runtime's ({@code CoreMeters}).
 */
class OpenFeatureMetersTest {

    @Test
    void guideTableEqualsTheCatalogue() throws IOException {
        List<String> expected = Stream.of(OpenFeatureMeters.values()).map(OpenFeatureMetersTest::row).toList();
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", "meter-rows.md"), expected);
        assertThat(guideRows()).as("docs/guide.md's metrics table; the rows it should hold are in"
                + " target/meter-rows.md").containsExactlyElementsOf(expected);
    }

    private static String row(MeterDescription meter) {
        return "| `" + meter.meterName() + "` | openfeature | " + meter.type().name().toLowerCase(Locale.ROOT)
                + " | " + (meter.baseUnit().isEmpty() ? "-" : meter.baseUnit()) + " | "
                + String.join(", ", meter.tagKeys()) + " | " + meter.description() + " |";
    }

    private static List<String> guideRows() throws IOException {
        List<String> rows = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("..", "docs", "guide.md"))) {
            if (line.startsWith("| `dualrepo.") && line.contains("` | openfeature | ")) {
                rows.add(line);
            }
        }
        return rows;
    }
}

package io.dualrepo.internal.compare;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.compare.Difference;
import io.dualrepo.spi.CompareOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The path of a difference deep down: whole when short, else its head and last 32 segments around a count. */
class DeepPathTest {

    private static final StructuralComparator COMPARATOR = new StructuralComparator(CompareOptions.defaults());

    static final class Link {
        String name;
        Link next;
    }

    private static Link chain(int hops, String lastName) {
        Link first = new Link();
        first.name = "0";
        Link link = first;
        for (int i = 1; i <= hops; i++) {
            link.next = new Link();
            link = link.next;
            link.name = i == hops ? lastName : String.valueOf(i);
        }
        return first;
    }

    private static String pathOfTheDifference(int hops) {
        List<Difference> differences = COMPARATOR.diff(chain(hops, "old"), chain(hops, "new"));
        assertThat(differences).hasSize(1);
        return differences.get(0).path();
    }

    @Test
    void aPathOfSomeFortySegmentsIsShownWhole() {
        assertThat(pathOfTheDifference(40)).isEqualTo("$" + ".next".repeat(40) + ".name");
    }

    @Test
    void aLongerPathKeepsItsHeadAndTailAndCountsWhatIsLeftOut() {
        for (int hops : new int[] {60, 10_000}) {
            String path = pathOfTheDifference(hops);
            java.util.regex.Matcher parts = java.util.regex.Pattern
                    .compile("\\$((?:\\.next)+)…\\((\\d+) more\\)…((?:\\.next)+)\\.name").matcher(path);
            assertThat(parts.matches()).as(path).isTrue();
            int head = parts.group(1).length() / ".next".length();
            int left = Integer.parseInt(parts.group(2));
            int tail = parts.group(3).length() / ".next".length();
            assertThat(tail + 1).as("segments kept at the end").isEqualTo(32);
            assertThat(head).as("segments kept at the start").isBetween(15, 16);
            assertThat(head + left + tail).as("every hop shown or counted").isEqualTo(hops);
        }
    }

    @Test
    void aDifferenceInAListDeepDownCountsIndexesAsSegments() {
        List<Object> oldValue = List.of(List.of(List.of("a", "b")));
        List<Object> newValue = List.of(List.of(List.of("a", "c")));
        assertThat(COMPARATOR.diff(oldValue, newValue)).extracting(Difference::path).containsExactly("$[0][0][1]");
    }
}

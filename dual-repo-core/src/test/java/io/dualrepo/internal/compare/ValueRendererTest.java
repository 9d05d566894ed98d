package io.dualrepo.internal.compare;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.Sensitive;
import io.dualrepo.spi.CompareOptions;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ValueRendererTest {

    enum Status {
        OPEN
    }

    record Incident(String id, Status status, @Sensitive String email) {}

    /** Its toString() prints the secret, as generated ones do: the renderer must not use it. */
    record Login(String user, @Sensitive String password) {
        @Override
        public String toString() {
            return "Login[" + user + ", " + password + "]";
        }
    }

    static class Credentials {
        final String user;
        final String apiKey;

        Credentials(String user, String apiKey) {
            this.user = user;
            this.apiKey = apiKey;
        }
    }

    static class Left {
        String name;
        Right right;
    }

    static class Right {
        String name;
        Left left;
    }

    private final ValueRenderer renderer = new ValueRenderer(CompareOptions.defaults());

    @Test
    void nullsStringsAndLeaves() {
        assertThat(renderer.render(null)).isEqualTo("null");
        assertThat(renderer.render("abc")).isEqualTo("\"abc\"");
        assertThat(renderer.render('x')).isEqualTo("'x'");
        assertThat(renderer.render(42L)).isEqualTo("42");
        assertThat(renderer.render(new BigDecimal("1.50"))).isEqualTo("1.50");
        assertThat(renderer.render(Status.OPEN)).isEqualTo("OPEN");
        assertThat(renderer.render(Optional.empty())).isEqualTo("Optional.empty");
        assertThat(renderer.render(Optional.of("a"))).isEqualTo("\"a\"");
    }

    @Test
    void aValueCannotForgeALogLine() {
        String rendered = renderer.render("line1\nINFO forged");

        assertThat(rendered).isEqualTo("\"line1\\nINFO forged\"").doesNotContain("\n");
    }

    @Test
    void controlCharactersQuotesAndBackslashesAreEscaped() {
        assertThat(renderer.render("a\r\tb\u001b[31mc\"d\\e")).isEqualTo("\"a\\r\\tb\\u001b[31mc\\\"d\\\\e\"");
        assertThat(renderer.render("x\u2028y\u202ez")).isEqualTo("\"x\\u2028y\\u202ez\"");
        assertThat(renderer.render('\n')).isEqualTo("'\\n'");
    }

    @Test
    void recordsAndBeansRenderFromTheirFieldsWithSensitiveOnesMasked() {
        assertThat(renderer.render(new Incident("1", Status.OPEN, "alice@example.com")))
                .isEqualTo("Incident{id=\"1\", status=OPEN, email=***}");
        assertThat(renderer.render(new Login("ada", "hunter2")))
                .isEqualTo("Login{user=\"ada\", password=***}")
                .doesNotContain("hunter2");
    }

    @Test
    void sensitiveFieldNamesMaskUnannotatedFields() {
        Credentials credentials = new Credentials("ada", "k-123");
        assertThat(renderer.render(credentials)).isEqualTo("Credentials{user=\"ada\", apiKey=\"k-123\"}");

        ValueRenderer masking = new ValueRenderer(CompareOptions.defaults().withSensitiveFieldNames("apiKey"));
        assertThat(masking.render(credentials)).isEqualTo("Credentials{user=\"ada\", apiKey=***}");
    }

    @Test
    void collectionsShowTheirFirstTenElements() {
        assertThat(renderer.render(List.of(1, 2, 3))).isEqualTo("[1, 2, 3]");
        assertThat(renderer.render(IntStream.range(0, 25).boxed().toList()))
                .isEqualTo("[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, …(+15)]");
        assertThat(renderer.render(new int[] {1, 2})).isEqualTo("[1, 2]");

        Map<String, Integer> map = new LinkedHashMap<>();
        map.put("a", 1);
        map.put("b", 2);
        assertThat(renderer.render(map)).isEqualTo("{\"a\"=1, \"b\"=2}");
    }

    @Test
    void nestingStopsAfterThreeLevels() {
        assertThat(renderer.render(List.of(List.of(List.of(List.of(1))))))
                .isEqualTo("[[[…]]]");
        assertThat(renderer.render(List.of(List.of(List.of(1))))).isEqualTo("[[[1]]]");
    }

    @Test
    void cyclesRenderAsCycle() {
        Left left = new Left();
        Right right = new Right();
        left.name = "l";
        left.right = right;
        right.name = "r";
        right.left = left;

        assertThat(renderer.render(left)).isEqualTo("Left{name=\"l\", right=Right{name=\"r\", left=<cycle>}}");
    }

    @Test
    void longOutputIsCutToTheMaximumLengthEndingInAnEllipsis() {
        ValueRenderer shortRenderer = new ValueRenderer(CompareOptions.defaults().withMaxRenderedLength(20));

        String rendered = shortRenderer.render("x".repeat(10_000));

        assertThat(rendered).hasSize(20).startsWith("\"xxxx").endsWith("…");
        assertThat(shortRenderer.render("short")).isEqualTo("\"short\"");
        assertThat(renderer.render(IntStream.range(0, 10).mapToObj(i -> "y".repeat(100)).toList()))
                .hasSize(CompareOptions.DEFAULT_MAX_RENDERED_LENGTH)
                .endsWith("…");
    }

    @Test
    void truncationNeverSplitsASurrogatePair() {
        ValueRenderer shortRenderer = new ValueRenderer(CompareOptions.defaults().withMaxRenderedLength(11));

        // A quote, then two chars per emoji: keeping 10 chars before the ellipsis would halve the fifth one.
        String rendered = shortRenderer.render("😀".repeat(20));

        assertThat(rendered).isEqualTo("\"" + "😀".repeat(4) + "…");
    }
}

package io.dualrepo.console.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    record Point(int x, String label) {}

    @Test
    void writesMapsListsRecordsAndEscapesWhatCouldBreakOutOfAScript() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("text", "a\"b\\c\nd</script>\u0001");
        value.put("list", Arrays.asList(1, 2.5, true, null));
        value.put("point", new Point(3, "p"));
        value.put("nan", Double.NaN);
        assertThat(Json.write(value)).isEqualTo("{\"text\":\"a\\\"b\\\\c\\nd\\u003c/script>\\u0001\","
                + "\"list\":[1,2.5,true,null],\"point\":{\"x\":3,\"label\":\"p\"},\"nan\":null}");
    }

    @Test
    void readsWhatItWrites() {
        Object parsed = Json.parse(" {\"a\": [1, -2.5e1, \"x\\u0041\\n\"], \"b\": {\"c\": null, \"d\": false}} ");
        assertThat(parsed).isEqualTo(Map.of("a", List.of(new BigDecimal("1"), new BigDecimal("-2.5e1"), "xA\n"),
                "b", new LinkedHashMap<>(Map.of("d", false)) {
                    {
                        put("c", null);
                    }
                }));
    }

    @Test
    void saysWhereTheTextStopsBeingJson() {
        for (String bad : List.of("", "{", "{\"a\" 1}", "[1,]", "{\"a\": tru}", "\"open", "1 2", "{\"a\": 01x}",
                "[".repeat(40) + "]".repeat(40))) {
            assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at character");
        }
    }
}

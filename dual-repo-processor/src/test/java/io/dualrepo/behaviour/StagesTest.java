package io.dualrepo.behaviour;

import static io.dualrepo.Side.NEW;
import static io.dualrepo.Side.OLD;
import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.ComparisonMode;
import io.dualrepo.Side;
import io.dualrepo.routing.Stage;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each stage of the playbook, driven through the generated decorator: who is read, who is written, in what order. */
class StagesTest {

    static Stream<Arguments> stages() {
        return Stream.of(
                // stage, write order, sides read, comparisons
                Arguments.of(Stage.OLD_ONLY, List.of(OLD), List.of(OLD), 0),
                Arguments.of(Stage.DUAL_WRITE, List.of(OLD, NEW), List.of(OLD), 0),
                Arguments.of(Stage.SHADOW, List.of(OLD, NEW), List.of(OLD, NEW), 1),
                Arguments.of(Stage.LIVE, List.of(NEW, OLD), List.of(NEW, OLD), 1),
                Arguments.of(Stage.RAMPDOWN, List.of(NEW, OLD), List.of(NEW), 0),
                Arguments.of(Stage.NEW_ONLY, List.of(NEW), List.of(NEW), 0));
    }

    @ParameterizedTest
    @MethodSource("stages")
    void eachStageReadsAndWritesTheSidesItNames(Stage stage, List<Side> writeOrder, List<Side> readSides,
            int comparisons) throws Exception {
        try (Harness harness = new Harness(b -> b.comparisonMode(ComparisonMode.SYNC))) {
            // Both models hold the order so that reads agree whichever side answers.
            harness.oldModel.rows.put("o-1", Order.of("o-1", "c-1"));
            harness.newModel.rows.put("o-1", Order.of("o-1", "c-1"));
            harness.routes.set("orders", stage);

            harness.orders.save(Order.of("o-2", "c-1"));
            assertThat(harness.sidesOf("save")).containsExactlyElementsOf(writeOrder);
            assertThat(harness.oldModel.rows.containsKey("o-2")).isEqualTo(writeOrder.contains(OLD));
            assertThat(harness.newModel.rows.containsKey("o-2")).isEqualTo(writeOrder.contains(NEW));

            Order found = harness.orders.getExisting("o-1");
            assertThat(found).isEqualTo(Order.of("o-1", "c-1"));
            assertThat(harness.sidesOf("getExisting")).containsExactlyElementsOf(readSides);

            // The registry tells the same story as the models' own records.
            for (Side side : Side.values()) {
                assertThat(harness.calls("save", side, "success")).isEqualTo(writeOrder.contains(side) ? 1 : 0);
                assertThat(harness.calls("getExisting", side, "success")).isEqualTo(readSides.contains(side) ? 1 : 0);
            }
            assertThat(harness.comparisons("getExisting", "match")).isEqualTo(comparisons);
            assertThat(harness.comparisons("getExisting", "mismatch")).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("stages")
    void theCallerGetsThePrimaryAnswerEvenWhenTheModelsDisagree(Stage stage, List<Side> writeOrder,
            List<Side> readSides, int comparisons) {
        try (Harness harness = new Harness(b -> b.comparisonMode(ComparisonMode.SYNC))) {
            harness.oldModel.rows.put("o-1", Order.of("o-1", "c-1").withStatus("old-status"));
            harness.newModel.rows.put("o-1", Order.of("o-1", "c-1").withStatus("new-status"));
            harness.routes.set("orders", stage);

            String status = harness.orders.findById("o-1").orElseThrow().status();

            assertThat(status).isEqualTo(stage.route().primary() == OLD ? "old-status" : "new-status");
            assertThat(harness.comparisons("findById", "mismatch")).isEqualTo(comparisons);
        }
    }
}

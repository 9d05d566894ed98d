package io.dualrepo.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualrepo.Side;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RouteTest {

    @ParameterizedTest
    @EnumSource(Stage.class)
    void everyStagePresetIsAValidRoute(Stage stage) {
        assertThat(stage.route().problem()).isEmpty();
    }

    @Test
    void theStagesSetTheSwitchesTheDesignNames() {
        assertThat(Stage.SHADOW.route()).isEqualTo(Route.of(ReadSource.OLD, WriteTargets.BOTH, Comparison.ALWAYS));
        assertThat(Stage.LIVE.route().primary()).isEqualTo(Side.NEW);
        assertThat(Stage.RAMPDOWN.route().compare().isOn()).isFalse();
        assertThat(Stage.NEW_ONLY.route().write()).isEqualTo(WriteTargets.NEW);
    }

    @Test
    void readingAModelThatIsNotWrittenIsRefused() {
        Route stale = Route.of(ReadSource.OLD, WriteTargets.NEW, Comparison.OFF);

        assertThat(stale.problem()).hasValueSatisfying(problem -> assertThat(problem)
                .isEqualTo("reads come from OLD but writes go to NEW only: OLD would fall behind and every read "
                        + "would be stale"));
        assertThatThrownBy(stale::requireValid)
                .isInstanceOf(RouteRefusedException.class)
                .hasMessageStartingWith("route refused (read OLD, write NEW, compare off)")
                .satisfies(e -> assertThat(((RouteRefusedException) e).route()).isSameAs(stale));
    }

    @Test
    void readThroughNeedsBothModelsWritten() {
        assertThat(Route.of(ReadSource.NEW_THEN_OLD, WriteTargets.NEW, Comparison.OFF).isValid()).isFalse();
        assertThat(Route.of(ReadSource.NEW_THEN_OLD, WriteTargets.OLD, Comparison.OFF).isValid()).isFalse();
        assertThat(Route.of(ReadSource.NEW_THEN_OLD, WriteTargets.BOTH, Comparison.OFF).isValid()).isTrue();
        assertThat(Stage.readThrough(Comparison.OFF).primary()).isEqualTo(Side.NEW);
    }

    @Test
    void aSampleRatioOutsideZeroToOneIsRejectedWithTheValue() {
        assertThatThrownBy(() -> Comparison.sampled(1.5))
                .hasMessage("comparison sample ratio must be between 0 and 1, was 1.5");
        assertThatThrownBy(() -> Comparison.sampled(Double.NaN)).hasMessageContaining("was NaN");
        assertThat(Comparison.sampled(0.1).toString()).isEqualTo("on(0.1)");
    }

    @Test
    void theInMemorySourceKeepsTheLastValidRouteWhenGivenAnInvalidOne() {
        InMemoryRouteSource source = InMemoryRouteSource.create().set("incidents", Stage.LIVE);

        assertThatThrownBy(() -> source.set("incidents", Route.of(ReadSource.NEW, WriteTargets.OLD, Comparison.OFF)))
                .isInstanceOf(RouteRefusedException.class);

        assertThat(source.route("incidents", null)).contains(Stage.LIVE.route());
        assertThat(source.route("other", null)).isEqualTo(Optional.empty());
        assertThat(source.clear("incidents").route("incidents", null)).isEmpty();
    }
}

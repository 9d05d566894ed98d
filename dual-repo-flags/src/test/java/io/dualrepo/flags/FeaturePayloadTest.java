package io.dualrepo.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualrepo.flags.internal.FeaturePayload;
import io.dualrepo.flags.internal.FlagState;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FeaturePayloadTest {

    @Test
    void readsRolloutPercentagesAndVariantsFromFeaturesAndTheirStrategies() {
        Map<String, FlagState> flags = FeaturePayload.parse("""
                {"version": 2, "features": [
                  {"name": "a", "enabled": true, "strategies": [{"name": "default"}]},
                  {"name": "b", "enabled": false, "strategies": [{"name": "default"}]},
                  {"name": "c", "enabled": true, "strategies": [
                     {"name": "flexibleRollout", "parameters": {"rollout": "25", "stickiness": "default"}},
                     {"name": "flexibleRollout", "parameters": {"rollout": "40", "stickiness": "default"}}]},
                  {"name": "d", "enabled": true, "strategies": [
                     {"name": "flexibleRollout", "parameters": {"rollout": "100"},
                      "variants": [{"name": "SHADOW", "weight": 1000}]}]},
                  {"name": "e", "enabled": true, "strategies": [], "variants": [{"name": "LIVE", "weight": 1000}]},
                  {"name": "f", "enabled": true, "strategies": [{"name": "gradualRolloutUserId",
                     "parameters": {"percentage": "10"}}]}
                ]}
                """);

        assertThat(flags.get("a")).isEqualTo(new FlagState(true, 100, java.util.List.of()));
        assertThat(flags.get("b").isOn()).isFalse();
        assertThat(flags.get("c").percent()).isEqualTo(40);
        assertThat(flags.get("d").variants()).containsExactly("SHADOW");
        assertThat(flags.get("e").variants()).containsExactly("LIVE");
        assertThat(flags.get("e").percent()).isEqualTo(100);
        assertThat(flags.get("f").percent()).isEqualTo(10);
        assertThat(flags).doesNotContainKey("g");
    }

    @Test
    void somethingThatIsNotAPayloadIsRefused() {
        assertThatThrownBy(() -> FeaturePayload.parse("[1, 2]")).hasMessageContaining("no \"features\" array");
        assertThatThrownBy(() -> FeaturePayload.parse("{not json")).hasMessageStartingWith("not an Unleash feature payload");
    }
}

package io.dualrepo.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EmptinessTest {

    @Test
    void nothingFromTheNewModelMeansNullEmptyOrFalse() {
        assertThat(Emptiness.isEmpty(null)).isTrue();
        assertThat(Emptiness.isEmpty(Optional.empty())).isTrue();
        assertThat(Emptiness.isEmpty(OptionalLong.empty())).isTrue();
        assertThat(Emptiness.isEmpty(List.of())).isTrue();
        assertThat(Emptiness.isEmpty(Map.of())).isTrue();
        assertThat(Emptiness.isEmpty(new String[0])).isTrue();
        assertThat(Emptiness.isEmpty(Boolean.FALSE)).isTrue();

        assertThat(Emptiness.isEmpty(Optional.of("x"))).isFalse();
        assertThat(Emptiness.isEmpty(List.of(1))).isFalse();
        assertThat(Emptiness.isEmpty(Boolean.TRUE)).isFalse();
        assertThat(Emptiness.isEmpty(0L)).isFalse();
        assertThat(Emptiness.isEmpty("")).isFalse();
    }

    @Test
    void multiRowResultTypesAreCollectionsMapsArraysAndStreams() {
        assertThat(Emptiness.isMultiRow(List.class)).isTrue();
        assertThat(Emptiness.isMultiRow(Set.class)).isTrue();
        assertThat(Emptiness.isMultiRow(Map.class)).isTrue();
        assertThat(Emptiness.isMultiRow(String[].class)).isTrue();
        assertThat(Emptiness.isMultiRow(Optional.class)).isFalse();
        assertThat(Emptiness.isMultiRow(String.class)).isFalse();
        assertThat(Emptiness.isMultiRow(boolean.class)).isFalse();
    }
}

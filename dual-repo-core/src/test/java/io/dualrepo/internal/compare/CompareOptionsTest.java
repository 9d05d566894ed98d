package io.dualrepo.internal.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class CompareOptionsTest {

    @Test
    void defaults() {
        CompareOptions options = CompareOptions.defaults();

        assertThat(options.ignoredFields()).isEmpty();
        assertThat(options.unorderedCollections()).isFalse();
        assertThat(options.sensitiveFieldNames()).isEmpty();
        assertThat(options.maxDifferences()).isEqualTo(20);
        assertThat(options.maxRenderedLength()).isEqualTo(200);
    }

    @Test
    void withersReplaceOneValueAndKeepTheRest() {
        CompareOptions options = CompareOptions.defaults()
                .withIgnoredFields("updatedAt", "organisation.updatedAt")
                .withUnorderedCollections(true)
                .withSensitiveFieldNames("password")
                .withMaxDifferences(3)
                .withMaxRenderedLength(80);

        assertThat(options)
                .isEqualTo(new CompareOptions(
                        Set.of("updatedAt", "organisation.updatedAt"), true, Set.of("password"), 3, 80));
        assertThat(options.withIgnoredFields().ignoredFields()).isEmpty();
    }

    @Test
    void badValuesAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> CompareOptions.defaults().withMaxDifferences(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxDifferences must be at least 1, was 0");
        assertThatThrownBy(() -> CompareOptions.defaults().withMaxRenderedLength(3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxRenderedLength must be at least 10, was 3");
        assertThatThrownBy(() -> CompareOptions.defaults().withIgnoredFields("organisation/updatedAt"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"organisation/updatedAt\"");
        assertThatThrownBy(() -> CompareOptions.defaults().withIgnoredFields("organisation..updatedAt"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"organisation..updatedAt\"");
        assertThatThrownBy(() -> CompareOptions.defaults().withSensitiveFieldNames("user.password"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"user.password\"");
    }
}

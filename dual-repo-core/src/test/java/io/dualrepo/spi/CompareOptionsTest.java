package io.dualrepo.spi;

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
        assertThat(options.positionalLists()).isFalse();
        assertThat(options.elementKey()).isEmpty();
        assertThat(options.sensitiveFieldNames()).isEmpty();
        assertThat(options.maxDifferences()).isEqualTo(20);
        assertThat(options.maxRenderedLength()).isEqualTo(200);
    }

    @Test
    void withersReplaceOneValueAndKeepTheRest() {
        CompareOptions options = CompareOptions.defaults()
                .withIgnoredFields("updatedAt", "organisation.updatedAt")
                .withUnorderedCollections(true)
                .withElementKey("isbn")
                .withSensitiveFieldNames("password")
                .withMaxDifferences(3)
                .withMaxRenderedLength(80);

        assertThat(options)
                .isEqualTo(new CompareOptions(
                        Set.of("updatedAt", "organisation.updatedAt"), true, false, "isbn", Set.of("password"), 3, 80));
        assertThat(options.withIgnoredFields().ignoredFields()).isEmpty();
        assertThat(CompareOptions.defaults().withPositionalLists(true).positionalLists()).isTrue();
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

    @Test
    void optionsThatContradictEachOtherAreRefusedSayingWhy() {
        assertThatThrownBy(() -> CompareOptions.defaults().withUnorderedCollections(true).withPositionalLists(true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("positional and unordered exclude each other: positional compares lists by position,"
                        + " unordered as multisets; keep one");
        assertThatThrownBy(() -> CompareOptions.defaults().withElementKey("isbn").withPositionalLists(true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("elementKey \"isbn\" has no effect with positional lists, which are not aligned by key;"
                        + " keep one");
        assertThatThrownBy(() -> CompareOptions.defaults().withIgnoredFields("id").withElementKey("id"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("elementKey \"id\" is also an ignored field: elements cannot be aligned by a field the"
                        + " comparison leaves out; keep one");
        assertThatThrownBy(() -> CompareOptions.defaults().withElementKey("book.isbn"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("elementKey \"book.isbn\" is not a field name");
        assertThatThrownBy(() -> CompareOptions.defaults().withElementKey(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("elementKey must not be null");
        // A dotted ignored path elsewhere leaves the key usable at the top.
        assertThat(CompareOptions.defaults().withIgnoredFields("lines.id").withElementKey("id").elementKey())
                .isEqualTo("id");
    }
}

package io.dualrepo.internal.compare;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.spi.CompareOptions;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/**
 * A stitched read tells elements apart by the key the comparison aligns them by, and reads OLD's migrated marker:
 * the same key exactly when the comparison would pair the two, none where it would not align them.
 */
class ElementIdentityTest {

    @Retention(RetentionPolicy.RUNTIME)
    @interface Id {}

    record Member(String id, String name, boolean migrated) {}

    record Boxed(long id, Boolean migrated) {}

    record Tagged(@Id String code, String id, String migrated) {}

    record Priced(BigDecimal id) {}

    record Composite(Member id) {}

    record Nameless(String name) {}

    private static ElementIdentity identity(CompareOptions options, String marker) {
        return new ElementIdentity(new StructuralComparator(options), marker);
    }

    @Test
    void theKeyIsTheIdentityTheComparisonAlignsBy() {
        ElementIdentity identity = identity(CompareOptions.defaults(), null);

        assertThat(identity.keyOf(new Member("m-1", "ann", false)))
                .isEqualTo(identity.keyOf(new Member("m-1", "anna", true)))
                .isNotEqualTo(identity.keyOf(new Member("m-2", "ann", false)));
        assertThat(identity.keyOf(new Tagged("c-1", "x", null)))
                .isEqualTo(identity.keyOf(new Tagged("c-1", "y", null)));
        // By value, as the comparison pairs BigDecimals.
        assertThat(identity.keyOf(new Priced(new BigDecimal("1.0"))))
                .isEqualTo(identity.keyOf(new Priced(new BigDecimal("1.00"))));
        // A long key and a String key of the same text are not the same row.
        assertThat(identity.keyOf(new Boxed(7, null))).isNotEqualTo(identity.keyOf(new Member("7", "g", false)));
    }

    @Test
    void elementsTheComparisonWouldNotAlignHaveNoKey() {
        ElementIdentity identity = identity(CompareOptions.defaults(), null);

        assertThat(identity.keyOf(null)).isNull();
        assertThat(identity.keyOf("plain value")).isNull();
        assertThat(identity.keyOf(new Nameless("ann"))).isNull();
        assertThat(identity.keyOf(new Member(null, "ann", false))).isNull();
        assertThat(identity.keyOf(new Composite(new Member("m-1", "ann", false)))).isNull();
        assertThat(identity(CompareOptions.defaults().withIgnoredFields("id"), null)
                .keyOf(new Member("m-1", "ann", false))).isNull();
    }

    @Test
    void aCompareKeyNamesTheKeyWhereTheElementHasIt() {
        ElementIdentity byName = identity(CompareOptions.defaults().withElementKey("name"), null);

        assertThat(byName.keyOf(new Member("m-1", "ann", false)))
                .isEqualTo(byName.keyOf(new Member("m-2", "ann", false)));
        assertThat(byName.keyOf(new Priced(BigDecimal.ONE))).isEqualTo(byName.keyOf(new Priced(BigDecimal.ONE)));
    }

    @Test
    void theMarkerIsABooleanPropertyANullOneMeaningNotMigrated() {
        ElementIdentity identity = identity(CompareOptions.defaults(), "migrated");

        assertThat(identity.migrated(new Member("m-1", "ann", true))).isEqualTo(Boolean.TRUE);
        assertThat(identity.migrated(new Member("m-1", "ann", false))).isEqualTo(Boolean.FALSE);
        assertThat(identity.migrated(new Boxed(1, true))).isEqualTo(Boolean.TRUE);
        assertThat(identity.migrated(new Boxed(1, null))).isEqualTo(Boolean.FALSE);
        assertThat(identity.migrated(new Tagged("c-1", "x", "yes"))).isSameAs(ElementIdentity.NO_MARKER);
        assertThat(identity.migrated(new Nameless("ann"))).isSameAs(ElementIdentity.NO_MARKER);
        assertThat(identity.migrated("plain value")).isSameAs(ElementIdentity.NO_MARKER);
        assertThat(identity.migrated(null)).isSameAs(ElementIdentity.NO_MARKER);
        // Back to a class met before: the lookup it remembered is not reused for another class.
        assertThat(identity.migrated(new Member("m-2", "bob", true))).isEqualTo(Boolean.TRUE);
    }
}

package io.dualrepo.internal.compare;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.Sensitive;
import io.dualrepo.compare.Difference;
import io.dualrepo.spi.CompareOptions;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Lists of elements with an identity are aligned by it: what one side lacks is named by key, a difference inside
 * an element is reported under its key, and the first element out of order is reported once.
 */
class KeyedListsTest {

    /** Any annotation of this simple name marks the identity, as jakarta.persistence.Id does. */
    @Retention(RetentionPolicy.RUNTIME)
    @interface Id {}

    record Incident(long id, String title, String status) {}

    record Book(String isbn, String title) {}

    record Shelf(String id, List<Book> books) {}

    record Tagged(@Id String code, String name) {}

    record Account(@Sensitive @Id String email, String plan, @Sensitive String password) {}

    record Vault(@Sensitive List<Incident> incidents) {}

    record Priced(BigDecimal id, String name) {}

    record Boxed(Object id, String name) {}

    record LineKey(String order, int line) {}

    record Line(LineKey id, int quantity) {}

    /** A JPA-style entity, its identity on a field under another name. */
    static class Ticket {
        @Id
        final String reference;
        final String id;
        final String summary;

        Ticket(String reference, String id, String summary) {
            this.reference = reference;
            this.id = id;
            this.summary = summary;
        }
    }

    /** Property access: the annotation sits on the getter. */
    static class Member {
        private final String handle;
        private final String name;

        Member(String handle, String name) {
            this.handle = handle;
            this.name = name;
        }

        @Id
        public String getHandle() {
            return handle;
        }

        public String getName() {
            return name;
        }
    }

    /** JPA's @IdClass shape: two identity fields, so no single key to align by. */
    static class Enrolment {
        @Id
        final String student;
        @Id
        final String course;
        final String grade;

        Enrolment(String student, String course, String grade) {
            this.student = student;
            this.course = course;
            this.grade = grade;
        }
    }

    private static final StructuralComparator DEFAULT = new StructuralComparator(CompareOptions.defaults());

    private static StructuralComparator with(CompareOptions options) {
        return new StructuralComparator(options);
    }

    private static List<Incident> incidents(int from, int to) {
        List<Incident> list = new ArrayList<>();
        for (int id = from; id <= to; id++) {
            list.add(new Incident(id, "t" + id, "open"));
        }
        return list;
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        Collections.reverse(copy);
        return copy;
    }

    private static List<String> paths(List<Difference> differences) {
        return differences.stream().map(Difference::path).toList();
    }

    @Nested
    class InOrder {

        @Test
        void aRowMissingAtTheStartIsNamedByKeyAndShiftsNothing() {
            List<Incident> old = incidents(1, 25);
            List<Incident> neu = incidents(2, 25);

            assertThat(DEFAULT.diff(old, neu)).containsExactly(
                    new Difference("$", "size=25", "size=24"),
                    new Difference("$[id=1]", "Incident{id=1, title=\"t1\", status=\"open\"}", "<absent>"));
        }

        @Test
        void missingExtraAndDifferingRowsAreEachNamedByKey() {
            List<Incident> old = incidents(1, 10);
            List<Incident> neu = incidents(1, 10);
            neu.remove(4); // id 5
            neu.set(6, new Incident(8, "t8", "closed"));
            neu.add(new Incident(1009, "t1009", "open"));

            assertThat(DEFAULT.diff(old, neu)).containsExactly(
                    new Difference("$[id=5]", "Incident{id=5, title=\"t5\", status=\"open\"}", "<absent>"),
                    new Difference("$[id=1009]", "<absent>", "Incident{id=1009, title=\"t1009\", status=\"open\"}"),
                    new Difference("$[id=8].status", "\"open\"", "\"closed\""));
        }

        @Test
        void differencesBeforeTheKeysPartAreReportedInStepAndTheRestByKey() {
            List<Incident> old = incidents(1, 5);
            List<Incident> neu = new ArrayList<>(incidents(1, 5));
            neu.set(1, new Incident(2, "t2", "closed"));
            neu.remove(3); // id 4

            assertThat(DEFAULT.diff(old, neu)).containsExactly(
                    new Difference("$", "size=5", "size=4"),
                    new Difference("$[id=2].status", "\"open\"", "\"closed\""),
                    new Difference("$[id=4]", "Incident{id=4, title=\"t4\", status=\"open\"}", "<absent>"));
        }

        @Test
        void twoSwappedRowsAreReportedOnceAsOutOfOrder() {
            List<Incident> old = incidents(1, 5);
            List<Incident> neu = new ArrayList<>(old);
            Collections.swap(neu, 2, 3);

            assertThat(DEFAULT.diff(old, neu))
                    .containsExactly(new Difference("$[id=3]", "after [id=2]", "after [id=4]"));
            assertThat(DEFAULT.equivalent(old, neu)).isFalse();
        }

        @Test
        void aReversedListIsOneDifferenceNotOnePerRow() {
            List<Incident> old = incidents(1, 1_000);
            List<Incident> neu = new ArrayList<>(old);
            Collections.reverse(neu);

            assertThat(DEFAULT.diff(old, neu))
                    .containsExactly(new Difference("$[id=1]", "first", "after [id=2]"));
        }

        @Test
        void theOrderIsJudgedAmongTheRowsBothSidesHave() {
            List<Incident> old = incidents(1, 6);
            List<Incident> neu = new ArrayList<>(List.of(old.get(1), old.get(2), old.get(4), old.get(3), old.get(5)));

            assertThat(DEFAULT.diff(old, neu)).containsExactly(
                    new Difference("$", "size=6", "size=5"),
                    new Difference("$[id=1]", "Incident{id=1, title=\"t1\", status=\"open\"}", "<absent>"),
                    new Difference("$[id=4]", "after [id=3]", "after [id=5]"));
        }

        @Test
        void equalListsHaveNoDifference() {
            assertThat(DEFAULT.diff(incidents(1, 50), incidents(1, 50))).isEmpty();
            assertThat(DEFAULT.equivalent(incidents(1, 50), incidents(1, 50))).isTrue();
            assertThat(DEFAULT.diff(List.of(), incidents(1, 1))).containsExactly(
                    new Difference("$", "size=0", "size=1"),
                    new Difference("$[id=1]", "<absent>", "Incident{id=1, title=\"t1\", status=\"open\"}"));
        }

        @Test
        void aListInsideARecordIsNamedByKeyUnderItsField() {
            Shelf old = new Shelf("s1", List.of(new Book("111", "Dune"), new Book("222", "Emma")));
            Shelf neu = new Shelf("s1", List.of(new Book("111", "Dune"), new Book("222", "Emma!")));

            // Books have no id: by position, unless the key names their isbn.
            assertThat(paths(DEFAULT.diff(List.of(old), List.of(neu)))).containsExactly("$[id=\"s1\"].books[1].title");
            assertThat(paths(with(CompareOptions.defaults().withElementKey("isbn")).diff(List.of(old), List.of(neu))))
                    .containsExactly("$[id=\"s1\"].books[isbn=\"222\"].title");
        }

        @Test
        void anArrayOfEntitiesIsAlignedAsAListIs() {
            Incident[] old = incidents(1, 3).toArray(new Incident[0]);
            Incident[] neu = incidents(2, 3).toArray(new Incident[0]);

            assertThat(paths(DEFAULT.diff(old, neu))).containsExactly("$", "$[id=1]");
        }

        @Test
        void positionalComparesEntitiesByIndexAsBefore() {
            StructuralComparator positional = with(CompareOptions.defaults().withPositionalLists(true));

            List<Difference> differences = positional.diff(incidents(1, 3), incidents(2, 3));

            assertThat(paths(differences)).containsExactly("$", "$[0].id", "$[0].title", "$[1].id", "$[1].title", "$[2]");
        }

        @Test
        void reportingStopsAtTheLimitWithTheMissingKeysFirst() {
            List<Incident> old = incidents(1, 30);
            List<Incident> neu = new ArrayList<>();
            for (Incident incident : incidents(4, 30)) {
                neu.add(new Incident(incident.id(), incident.title(), "closed"));
            }

            assertThat(paths(with(CompareOptions.defaults().withMaxDifferences(5)).diff(old, neu)))
                    .containsExactly("$", "$[id=1]", "$[id=2]", "$[id=3]", "$[id=4].status");
        }
    }

    @Nested
    class AsMultisets {

        private final StructuralComparator unordered = with(CompareOptions.defaults().withUnorderedCollections(true));

        @Test
        void orderDoesNotCountButKeysStillNameTheRows() {
            List<Incident> old = incidents(1, 5);
            List<Incident> neu = new ArrayList<>(incidents(2, 5));
            Collections.reverse(neu);
            neu.set(0, new Incident(5, "t5", "closed"));

            assertThat(unordered.diff(old, neu)).containsExactly(
                    new Difference("$", "size=5", "size=4"),
                    new Difference("$[id=1]", "Incident{id=1, title=\"t1\", status=\"open\"}", "<absent>"),
                    new Difference("$[id=5].status", "\"open\"", "\"closed\""));
            assertThat(unordered.diff(incidents(1, 5), reversed(incidents(1, 5)))).isEmpty();
        }

        @Test
        void setsOfEntitiesAreAlignedByKeyEvenByDefault() {
            Set<Incident> old = new LinkedHashSet<>(incidents(1, 3));
            Set<Incident> neu = new LinkedHashSet<>(List.of(new Incident(3, "t3", "open"), new Incident(2, "t2", "x")));

            assertThat(DEFAULT.diff(old, neu)).containsExactly(
                    new Difference("$", "size=3", "size=2"),
                    new Difference("$[id=1]", "Incident{id=1, title=\"t1\", status=\"open\"}", "<absent>"),
                    new Difference("$[id=2].status", "\"open\"", "\"x\""));
        }

        @Test
        void duplicateKeysFallBackToPairingByValue() {
            List<Incident> old = List.of(new Incident(1, "a", "open"), new Incident(1, "b", "open"));
            List<Incident> neu = List.of(new Incident(1, "b", "open"), new Incident(1, "c", "open"));

            assertThat(paths(unordered.diff(old, neu))).containsExactly("$[?]", "$[?]");
        }
    }

    @Nested
    class Identities {

        @Test
        void anAnnotationNamedIdOnAFieldWinsOverAFieldNamedId() {
            List<Ticket> old = List.of(new Ticket("T-1", "x", "a"), new Ticket("T-2", "y", "b"));
            List<Ticket> neu = List.of(new Ticket("T-2", "y", "b"));

            assertThat(paths(DEFAULT.diff(old, neu))).containsExactly("$", "$[reference=\"T-1\"]");
        }

        @Test
        void anAnnotationNamedIdOnARecordComponentOrAGetterCounts() {
            assertThat(paths(DEFAULT.diff(List.of(new Tagged("a", "x"), new Tagged("b", "y")), List.of(new Tagged("b", "y")))))
                    .containsExactly("$", "$[code=\"a\"]");
            assertThat(paths(DEFAULT.diff(List.of(new Member("ada", "Ada"), new Member("bob", "Bob")),
                            List.of(new Member("bob", "Bob")))))
                    .containsExactly("$", "$[handle=\"ada\"]");
        }

        @Test
        void theKeyOptionNamesTheIdentityOfClassesThatHaveThatField() {
            StructuralComparator byIsbn = with(CompareOptions.defaults().withElementKey("isbn"));
            List<Book> old = List.of(new Book("111", "Dune"), new Book("222", "Emma"));
            List<Book> neu = List.of(new Book("222", "Emma"));

            assertThat(paths(DEFAULT.diff(old, neu))).containsExactly("$", "$[0].isbn", "$[0].title", "$[1]");
            assertThat(paths(byIsbn.diff(old, neu))).containsExactly("$", "$[isbn=\"111\"]");
            // Incidents have no isbn: they keep their id.
            assertThat(paths(byIsbn.diff(incidents(1, 2), incidents(2, 2)))).containsExactly("$", "$[id=1]");
        }

        @Test
        void severalIdentityFieldsMakeNoSingleKey() {
            List<Enrolment> old = List.of(new Enrolment("ada", "math", "A"), new Enrolment("ada", "art", "B"));
            List<Enrolment> neu = List.of(new Enrolment("ada", "art", "B"));

            assertThat(paths(DEFAULT.diff(old, neu))).containsExactly("$", "$[0].course", "$[0].grade", "$[1]");
        }

        @Test
        void anIgnoredKeyIdentifiesNothing() {
            StructuralComparator ignoringIds = with(CompareOptions.defaults().withIgnoredFields("id"));
            List<Incident> old = List.of(new Incident(1, "a", "open"), new Incident(2, "b", "open"));
            List<Incident> neu = List.of(new Incident(71, "a", "open"), new Incident(72, "b", "closed"));

            // The new model numbers its rows its own way: aligned by id, every row would be missing.
            assertThat(ignoringIds.diff(old, neu)).containsExactly(new Difference("$[1].status", "\"open\"", "\"closed\""));
            // Ignored along a dotted path, a key identifies nothing there only.
            StructuralComparator ignoringIsbns =
                    with(CompareOptions.defaults().withElementKey("isbn").withIgnoredFields("books.isbn"));
            Shelf old2 = new Shelf("s", List.of(new Book("111", "Dune"), new Book("222", "Emma")));
            Shelf neu2 = new Shelf("s", List.of(new Book("999", "Emma")));
            assertThat(paths(ignoringIsbns.diff(old2, neu2))).containsExactly("$.books", "$.books[0].title", "$.books[1]");
            assertThat(paths(ignoringIsbns.diff(List.of(old2.books().get(0)), List.of())))
                    .containsExactly("$", "$[isbn=\"111\"]");
        }

        @Test
        void keysOfNumericValueAlignWhateverTheirScaleButNotAcrossClasses() {
            List<Priced> old = List.of(new Priced(new BigDecimal("1.0"), "a"), new Priced(new BigDecimal("2"), "b"));
            List<Priced> neu = List.of(new Priced(new BigDecimal("2.00"), "b"), new Priced(new BigDecimal("1"), "a"));

            assertThat(DEFAULT.diff(old, neu)).containsExactly(new Difference("$[id=1.0]", "first", "after [id=2.00]"));
            assertThat(with(CompareOptions.defaults().withUnorderedCollections(true)).diff(old, neu)).isEmpty();

            List<Boxed> ints = List.of(new Boxed(1, "a"), new Boxed(2, "b"));
            List<Boxed> longs = List.of(new Boxed(2L, "b"), new Boxed(1L, "a"));
            assertThat(paths(with(CompareOptions.defaults().withUnorderedCollections(true)).diff(ints, longs)))
                    .containsExactly("$[id=1]", "$[id=2]", "$[id=2]", "$[id=1]");
        }
    }

    @Nested
    class WhenKeysCannotAlign {

        @Test
        void aKeyRepeatedWhereTheSidesPartComparesTheRestByPosition() {
            List<Incident> old = List.of(new Incident(1, "a", "open"), new Incident(2, "b", "open"), new Incident(3, "c", "open"));
            List<Incident> neu = List.of(new Incident(1, "a", "open"), new Incident(3, "c", "open"), new Incident(3, "c", "open"));

            assertThat(paths(DEFAULT.diff(old, neu))).containsExactly("$[1].id", "$[1].title");
        }

        @Test
        void aKeyRepeatingOneComparedInStepIsStillAlignedAndReportedAsExtra() {
            List<Incident> old = List.of(new Incident(1, "a", "open"), new Incident(2, "b", "open"));
            List<Incident> neu = List.of(new Incident(1, "a", "open"), new Incident(1, "a", "open"));

            // Both statements are true: the new side lacks 2 and has a 1 more.
            assertThat(paths(DEFAULT.diff(old, neu))).containsExactly("$[id=2]", "$[id=1]");
        }

        @Test
        void aNullKeyOrANullElementComparesTheRestByPosition() {
            List<Boxed> old = List.of(new Boxed("k", "a"), new Boxed(null, "b"));
            List<Boxed> neu = List.of(new Boxed("k", "a"), new Boxed(null, "c"));
            assertThat(paths(DEFAULT.diff(old, neu))).containsExactly("$[1].name");

            List<Incident> withNull = new ArrayList<>(incidents(1, 2));
            withNull.add(0, null);
            assertThat(paths(DEFAULT.diff(withNull, incidents(1, 2)))).startsWith("$", "$[0]");
        }

        @Test
        void aKeyThatIsNotAPlainValueAlignsNothing() {
            List<Line> old = List.of(new Line(new LineKey("o", 1), 5), new Line(new LineKey("o", 2), 6));
            List<Line> neu = List.of(new Line(new LineKey("o", 2), 6));

            assertThat(paths(DEFAULT.diff(old, neu))).containsExactly("$", "$[0].id.line", "$[0].quantity", "$[1]");
        }

        @Test
        void equivalenceIsTheSameAsByPositionWheneverOrderCounts() {
            StructuralComparator positional = with(CompareOptions.defaults().withPositionalLists(true));
            List<List<Incident>> shapes = List.of(
                    incidents(1, 4),
                    incidents(2, 4),
                    incidents(1, 3),
                    reversed(incidents(1, 4)),
                    List.of(new Incident(1, "t1", "open"), new Incident(1, "t1", "open")),
                    List.of(new Incident(1, "t1", "open"), new Incident(2, "t2", "closed"), new Incident(3, "t3", "open"),
                            new Incident(4, "t4", "open")),
                    List.of());
            for (List<Incident> a : shapes) {
                for (List<Incident> b : shapes) {
                    assertThat(DEFAULT.equivalent(a, b)).as("%s against %s", a, b).isEqualTo(positional.equivalent(a, b));
                    assertThat(DEFAULT.diff(a, b).isEmpty()).isEqualTo(positional.diff(a, b).isEmpty());
                }
            }
        }
    }

    @Nested
    class Masking {

        @Test
        void aSensitiveKeyIsMaskedInThePathAndItsValueAppearsNowhere() {
            List<Account> old = List.of(new Account("ada@example.com", "pro", "pw1"), new Account("bob@example.com", "free", "pw2"));
            List<Account> neu = List.of(new Account("bob@example.com", "pro", "pw3"));

            List<Difference> differences = DEFAULT.diff(old, neu);

            assertThat(differences).containsExactly(
                    new Difference("$", "size=2", "size=1"),
                    new Difference("$[email=***]", "Account{email=***, plan=\"pro\", password=***}", "<absent>"),
                    new Difference("$[email=***].plan", "\"free\"", "\"pro\""),
                    new Difference("$[email=***].password", "***", "***"));
            assertThat(differences.toString()).doesNotContain("ada", "bob", "pw");
        }

        @Test
        void aKeyNamedAsSensitiveByTheOptionIsMaskedToo() {
            StructuralComparator masking = with(CompareOptions.defaults().withSensitiveFieldNames("id"));

            assertThat(paths(masking.diff(incidents(1, 2), incidents(2, 2)))).containsExactly("$", "$[id=***]");
        }

        @Test
        void everythingInsideASensitiveListIsMaskedKeysAndOrderIncluded() {
            Vault old = new Vault(incidents(1, 3));
            Vault neu = new Vault(List.of(new Incident(3, "t3", "open"), new Incident(2, "t2", "open")));

            List<Difference> differences = DEFAULT.diff(old, neu);

            assertThat(differences).containsExactly(
                    new Difference("$.incidents", "***", "***"),
                    new Difference("$.incidents[id=***]", "***", "***"),
                    new Difference("$.incidents[id=***]", "***", "***"));
            assertThat(differences.toString()).doesNotContain("t1", "after", "size");
        }
    }

    @Test
    void aMillionEqualRowsKeyedByAPrimitiveIdCompareEqualAndOneMissingIsNamed() {
        List<Incident> old = IntStream.range(0, 1_000_000).mapToObj(i -> new Incident(i, "t", "open")).toList();
        List<Incident> neu = new ArrayList<>(old);

        assertThat(DEFAULT.diff(old, neu)).isEmpty();

        neu.remove(600_000);
        assertThat(paths(DEFAULT.diff(old, neu))).containsExactly("$", "$[id=600000]");
    }
}

package io.dualrepo.internal.compare;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.Sensitive;
import io.dualrepo.compare.Difference;
import io.dualrepo.spi.CompareOptions;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class StructuralComparatorTest {

    enum Status {
        OPEN,
        CLOSED
    }

    record Incident(String id, Status status, String title) {}

    record Organisation(String id, String name, Instant updatedAt) {}

    record Team(String name, Organisation organisation, Instant updatedAt) {}

    record Order(String id, List<Line> lines) {}

    record Line(String sku, int quantity) {}

    record Catalogue(Map<Integer, String> byId) {}

    record Amount(BigDecimal value) {}

    record Boxed(Object value) {}

    record OtherIncident(String id, Status status, String title) {}

    record Account(String id, @Sensitive String email) {}

    record Vault(String owner, @Sensitive List<String> secrets, @Sensitive Map<String, Integer> byEmail) {}

    record Row(long id, String name, Status status, BigDecimal amount, Instant createdAt) {}

    /** A Row without an identity: a multiset of these is paired by value, not by key. */
    record Reading(long sensor, String name, Status status, BigDecimal amount, Instant createdAt) {}

    static class Address {
        final String street;
        final String city;

        Address(String street, String city) {
            this.street = street;
            this.city = city;
        }
    }

    /**
     * Equal by its code alone, as JPA entities often are by their id: the comparison must still look at every
     * field. Not named id, so that a multiset of them is paired by equals(), not aligned by key.
     */
    static class Customer {
        final String code;
        final String name;
        final Address address;

        Customer(String code, String name, Address address) {
            this.code = code;
            this.name = name;
            this.address = address;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Customer other && other.code.equals(code);
        }

        @Override
        public int hashCode() {
            return code.hashCode();
        }
    }

    static class BaseEntity {
        final long version;

        BaseEntity(long version) {
            this.version = version;
        }
    }

    static class Product extends BaseEntity {
        final String name;
        transient String cachedLabel;

        Product(long version, String name, String cachedLabel) {
            super(version);
            this.name = name;
            this.cachedLabel = cachedLabel;
        }
    }

    /** A class its authors cannot annotate: the option names its secret field. */
    static class LegacyUser {
        final String login;
        final String password;

        LegacyUser(String login, String password) {
            this.login = login;
            this.password = password;
        }
    }

    static class TokenHolder {
        private final String token;

        TokenHolder(String token) {
            this.token = token;
        }

        @Sensitive
        public String getToken() {
            return token;
        }
    }

    /** No equals(), and nothing but a nested collection: its elements all look alike to a cheap hash. */
    static class Bag {
        final List<String> items;

        Bag(List<String> items) {
            this.items = items;
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

    static class Node {
        int value;
        Node next;
    }

    private static final StructuralComparator DEFAULT = new StructuralComparator(CompareOptions.defaults());

    private static List<Difference> diff(Object a, Object b) {
        return DEFAULT.diff(a, b);
    }

    private static StructuralComparator with(CompareOptions options) {
        return new StructuralComparator(options);
    }

    @Nested
    class RecordsAndBeans {

        @Test
        void equalRecordsHaveNoDifference() {
            assertThat(diff(new Incident("1", Status.OPEN, "Disk full"), new Incident("1", Status.OPEN, "Disk full")))
                    .isEmpty();
            assertThat(DEFAULT.equivalent(new Incident("1", Status.OPEN, "a"), new Incident("1", Status.OPEN, "a")))
                    .isTrue();
        }

        @Test
        void differingFieldIsReportedAtItsPathWithRenderedValues() {
            assertThat(diff(new Incident("1", Status.OPEN, "Disk full"), new Incident("1", Status.CLOSED, "Disk full")))
                    .containsExactly(new Difference("$.status", "OPEN", "CLOSED"));
            assertThat(DEFAULT.equivalent(new Incident("1", Status.OPEN, "a"), new Incident("1", Status.CLOSED, "a")))
                    .isFalse();
        }

        @Test
        void nullAgainstValue() {
            assertThat(diff(new Incident("1", Status.OPEN, null), new Incident("1", Status.OPEN, "x")))
                    .containsExactly(new Difference("$.title", "null", "\"x\""));
            assertThat(diff(null, new Incident("1", Status.OPEN, "x")))
                    .containsExactly(new Difference("$", "null", "Incident{id=\"1\", status=OPEN, title=\"x\"}"));
        }

        @Test
        void nestedBeanFieldIsReportedByPathEvenWhenEqualsSaysEqual() {
            Customer old = new Customer("c1", "Ada", new Address("1 Main St", "Paris"));
            Customer neu = new Customer("c1", "Ada", new Address("1 Main St", "Lyon"));
            assertThat(old).isEqualTo(neu);

            assertThat(diff(old, neu)).containsExactly(new Difference("$.address.city", "\"Paris\"", "\"Lyon\""));
        }

        @Test
        void superclassFieldsAreComparedAndTransientOnesAreNot() {
            assertThat(diff(new Product(1, "pen", "a"), new Product(1, "pen", "b"))).isEmpty();
            assertThat(diff(new Product(1, "pen", "a"), new Product(2, "pen", "a")))
                    .containsExactly(new Difference("$.version", "1", "2"));
        }

        @Test
        void differentRecordClassesDiffer() {
            assertThat(diff(new Incident("1", Status.OPEN, "x"), new OtherIncident("1", Status.OPEN, "x")))
                    .singleElement()
                    .satisfies(d -> {
                        assertThat(d.path()).isEqualTo("$");
                        assertThat(d.oldValue()).startsWith("Incident{");
                        assertThat(d.newValue()).startsWith("OtherIncident{");
                    });
        }

        @Test
        void integerAgainstLongDiffersAndNamesTheClasses() {
            assertThat(diff(1, 1L)).containsExactly(new Difference("$", "1 (Integer)", "1 (Long)"));
            assertThat(diff(new Boxed(7), new Boxed(7L)))
                    .containsExactly(new Difference("$.value", "7 (Integer)", "7 (Long)"));
        }

        @Test
        void bigDecimalIgnoresScaleButNotValue() {
            assertThat(diff(new Amount(new BigDecimal("1.0")), new Amount(new BigDecimal("1.00")))).isEmpty();
            assertThat(diff(new Amount(new BigDecimal("1.0")), new Amount(new BigDecimal("1.01"))))
                    .containsExactly(new Difference("$.value", "1.0", "1.01"));
        }

        @Test
        void jdkValueTypesCompareWithEquals() {
            assertThat(diff(URI.create("https://a.example/x"), URI.create("https://a.example/x"))).isEmpty();
            assertThat(diff(Instant.ofEpochSecond(1), Instant.ofEpochSecond(2)))
                    .containsExactly(new Difference("$", "1970-01-01T00:00:01Z", "1970-01-01T00:00:02Z"));
        }
    }

    @Nested
    class OptionalValues {

        @Test
        void presentAgainstEmptyIsReportedAtTheOptionalsPath() {
            assertThat(diff(Optional.of(new Incident("1", Status.OPEN, "x")), Optional.empty()))
                    .containsExactly(
                            new Difference("$", "Incident{id=\"1\", status=OPEN, title=\"x\"}", "Optional.empty"));
        }

        @Test
        void contentIsComparedAtTheSamePath() {
            assertThat(diff(Optional.of(new Incident("1", Status.OPEN, "x")), Optional.of(new Incident("1", Status.CLOSED, "x"))))
                    .containsExactly(new Difference("$.status", "OPEN", "CLOSED"));
            assertThat(diff(Optional.empty(), Optional.empty())).isEmpty();
        }
    }

    @Nested
    class OrderedCollections {

        @Test
        void listElementWithAnIdIsReportedByItsKey() {
            List<Incident> old = List.of(new Incident("1", Status.OPEN, "a"), new Incident("2", Status.OPEN, "b"));
            List<Incident> neu = List.of(new Incident("1", Status.OPEN, "a"), new Incident("2", Status.CLOSED, "b"));

            assertThat(diff(old, neu)).containsExactly(new Difference("$[id=\"2\"].status", "OPEN", "CLOSED"));
        }

        @Test
        void listInsideARecord() {
            Order old = new Order("o1", List.of(new Line("a", 1), new Line("b", 2), new Line("c", 3)));
            Order neu = new Order("o1", List.of(new Line("a", 1), new Line("b", 2), new Line("c", 4)));

            assertThat(diff(old, neu)).containsExactly(new Difference("$.lines[2].quantity", "3", "4"));
        }

        @Test
        void sizeDifferenceIsReportedWithTheExtraElements() {
            assertThat(diff(List.of("a", "b", "c"), List.of("a", "b", "c", "d")))
                    .containsExactly(new Difference("$", "size=3", "size=4"), new Difference("$[3]", "<absent>", "\"d\""));
        }

        @Test
        void differentListImplementationsWithTheSameElementsAreEqual() {
            assertThat(diff(new ArrayList<>(List.of(1, 2, 3)), new LinkedList<>(List.of(1, 2, 3)))).isEmpty();
            assertThat(diff(new Order("o", List.of()), new Order("o", new ArrayList<>()))).isEmpty();
        }

        @Test
        void orderMattersByDefault() {
            assertThat(diff(List.of("a", "b"), List.of("b", "a")))
                    .containsExactly(new Difference("$[0]", "\"a\"", "\"b\""), new Difference("$[1]", "\"b\"", "\"a\""));
        }

        @Test
        void primitiveArraysCompareByElement() {
            assertThat(diff(new int[] {1, 2, 3}, new int[] {1, 2, 3})).isEmpty();
            assertThat(diff(new int[] {1, 2, 3}, new int[] {1, 5, 3})).containsExactly(new Difference("$[1]", "2", "5"));
            assertThat(diff(new int[] {1}, new long[] {1})).singleElement().extracting(Difference::path).isEqualTo("$");
        }

        @Test
        void objectArraysCompareByElement() {
            assertThat(diff(new Object[] {"a", "b"}, new String[] {"a", "b"})).isEmpty();
            assertThat(diff(new String[] {"a", "b"}, new String[] {"a"}))
                    .containsExactly(new Difference("$", "size=2", "size=1"), new Difference("$[1]", "\"b\"", "<absent>"));
        }
    }

    @Nested
    class Maps {

        @Test
        void keysOnOneSideAreReportedAsAbsentOnTheOther() {
            Map<String, Integer> old = new LinkedHashMap<>();
            old.put("a", 1);
            old.put("b", 2);
            Map<String, Integer> neu = new LinkedHashMap<>();
            neu.put("a", 1);
            neu.put("c", 3);

            assertThat(diff(old, neu))
                    .containsExactly(
                            new Difference("$[\"b\"]", "2", "<absent>"), new Difference("$[\"c\"]", "<absent>", "3"));
        }

        @Test
        void valuesAreComparedByKeyWhateverTheMapImplementation() {
            Catalogue old = new Catalogue(new HashMap<>(Map.of(42, "pen", 7, "ink")));
            Catalogue neu = new Catalogue(new TreeMap<>(Map.of(42, "pencil", 7, "ink")));

            assertThat(diff(old, neu)).containsExactly(new Difference("$.byId[42]", "\"pen\"", "\"pencil\""));
        }

        @Test
        void keyOfAnotherTypeIsAbsentEvenInASortedMap() {
            assertThat(diff(new TreeMap<>(Map.of(1, "x")), new TreeMap<>(Map.of(1L, "x"))))
                    .containsExactly(new Difference("$[1]", "\"x\"", "<absent>"), new Difference("$[1]", "<absent>", "\"x\""));
        }
    }

    @Nested
    class IgnoredFields {

        private final Team old =
                new Team("core", new Organisation("o1", "Acme", Instant.ofEpochSecond(1)), Instant.ofEpochSecond(10));
        private final Team neu =
                new Team("core", new Organisation("o1", "Acme", Instant.ofEpochSecond(2)), Instant.ofEpochSecond(20));

        @Test
        void withoutIgnoresBothTimestampsDiffer() {
            assertThat(diff(old, neu)).extracting(Difference::path).containsExactly("$.organisation.updatedAt", "$.updatedAt");
        }

        @Test
        void plainNameIsIgnoredAtAnyDepth() {
            StructuralComparator comparator = with(CompareOptions.defaults().withIgnoredFields("updatedAt"));

            assertThat(comparator.diff(old, neu)).isEmpty();
            assertThat(comparator.diff(old, new Team("other", old.organisation(), Instant.ofEpochSecond(99))))
                    .containsExactly(new Difference("$.name", "\"core\"", "\"other\""));
        }

        @Test
        void dottedPathIsIgnoredOnlyThere() {
            StructuralComparator comparator =
                    with(CompareOptions.defaults().withIgnoredFields("organisation.updatedAt"));

            assertThat(comparator.diff(old, neu)).extracting(Difference::path).containsExactly("$.updatedAt");
        }

        @Test
        void dottedPathGoesThroughCollectionElements() {
            StructuralComparator comparator =
                    with(CompareOptions.defaults().withIgnoredFields("organisation.updatedAt"));

            assertThat(comparator.diff(List.of(old), List.of(neu))).extracting(Difference::path).containsExactly("$[0].updatedAt");
        }
    }

    @Nested
    class UnorderedCollections {

        private final StructuralComparator unordered = with(CompareOptions.defaults().withUnorderedCollections(true));

        @Test
        void sameElementsInAnotherOrderAreEqual() {
            assertThat(unordered.diff(List.of("a", "b", "c"), List.of("c", "a", "b"))).isEmpty();
            assertThat(unordered.diff(new int[] {3, 1, 2}, new int[] {1, 2, 3})).isEmpty();
        }

        @Test
        void duplicateCountsMatter() {
            assertThat(unordered.diff(List.of("a", "a", "b"), List.of("a", "b", "b")))
                    .containsExactly(new Difference("$[?]", "\"a\"", "<absent>"), new Difference("$[?]", "<absent>", "\"b\""));
        }

        @Test
        void elementsWithoutEqualsArePairedFieldByField() {
            List<Address> old = List.of(new Address("1 Main St", "Paris"), new Address("2 High St", "Lyon"));
            List<Address> neu = List.of(new Address("2 High St", "Lyon"), new Address("1 Main St", "Paris"));

            assertThat(unordered.diff(old, neu)).isEmpty();
            assertThat(unordered.diff(old, List.of(new Address("2 High St", "Lyon"), new Address("1 Main St", "Nice"))))
                    .containsExactly(
                            new Difference("$[?]", "Address{street=\"1 Main St\", city=\"Paris\"}", "<absent>"),
                            new Difference("$[?]", "<absent>", "Address{street=\"1 Main St\", city=\"Nice\"}"));
        }

        @Test
        void elementsPairedByEqualsAreStillComparedFieldByField() {
            List<Customer> old = List.of(new Customer("c1", "Ada", new Address("s", "Paris")), new Customer("c2", "Bob", null));
            List<Customer> neu = List.of(new Customer("c2", "Bob", null), new Customer("c1", "Ada", new Address("s", "Lyon")));

            assertThat(unordered.diff(old, neu)).containsExactly(new Difference("$[?].address.city", "\"Paris\"", "\"Lyon\""));
        }

        @Test
        void bigDecimalsOfDifferentScalesArePaired() {
            assertThat(unordered.diff(List.of(new BigDecimal("1.0"), new BigDecimal("2")), List.of(new BigDecimal("2.00"), new BigDecimal("1"))))
                    .isEmpty();
        }

        @Test
        void setsAreUnorderedEvenByDefault() {
            Set<String> old = new LinkedHashSet<>(List.of("a", "b", "c"));
            Set<String> neu = new LinkedHashSet<>(List.of("c", "b", "a"));

            assertThat(diff(old, neu)).isEmpty();
            assertThat(diff(old, Set.of("a", "b", "d")))
                    .containsExactly(new Difference("$[?]", "\"c\"", "<absent>"), new Difference("$[?]", "<absent>", "\"d\""));
        }

        @Test
        void manyRowsDifferingOnlyInScaleOrIgnoredFieldsArePairedWithoutEquals() {
            StructuralComparator comparator = with(CompareOptions.defaults()
                    .withUnorderedCollections(true)
                    .withIgnoredFields("createdAt"));
            List<Reading> old = new ArrayList<>();
            List<Reading> neu = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) {
                old.add(new Reading(i, "r" + i, Status.OPEN, BigDecimal.valueOf(i, 2), Instant.ofEpochSecond(i)));
                neu.add(new Reading(i, "r" + i, Status.OPEN, BigDecimal.valueOf(i * 10L, 3), Instant.ofEpochSecond(-i)));
            }
            Collections.reverse(neu);

            assertThat(comparator.diff(old, neu)).isEmpty();

            neu.set(0, new Reading(4_999, "r4999", Status.CLOSED, BigDecimal.valueOf(4_999, 2), Instant.EPOCH));
            assertThat(comparator.diff(old, neu))
                    .extracting(Difference::path)
                    .containsExactly("$[?]", "$[?]");
        }

        @Test
        void tooManyIndistinguishableUnpairedElementsAreReportedInsteadOfPairedQuadratically() {
            List<Bag> old = IntStream.range(0, 1_001).mapToObj(i -> new Bag(List.of("x" + i))).toList();
            List<Bag> neu = IntStream.range(0, 1_001).mapToObj(i -> new Bag(List.of("x" + i))).toList();

            assertThat(unordered.diff(old, neu)).singleElement().satisfies(d -> {
                assertThat(d.path()).isEqualTo("$");
                assertThat(d.oldValue()).startsWith("unmatched=1001");
                assertThat(d.newValue()).startsWith("unmatched=1001");
            });
            // Below the budget the same elements pair up.
            assertThat(unordered.diff(old.subList(0, 500), neu.subList(0, 500))).isEmpty();
        }
    }

    @Nested
    class SensitiveFields {

        @Test
        void annotatedRecordComponentIsMaskedAndItsValuesAppearNowhere() {
            List<Difference> differences = diff(new Account("1", "alice@example.com"), new Account("1", "bob@example.com"));

            assertThat(differences).containsExactly(new Difference("$.email", "***", "***"));
            assertNoneContains(differences, "alice", "bob");
        }

        @Test
        void wholeValuesRenderedAroundASensitiveFieldMaskIt() {
            List<Difference> differences = diff(Optional.of(new Account("1", "alice@example.com")), Optional.empty());

            assertThat(differences).containsExactly(new Difference("$", "Account{id=\"1\", email=***}", "Optional.empty"));
            assertNoneContains(differences, "alice");
        }

        @Test
        void everythingInsideASensitiveFieldIsMaskedIncludingSizesAndMapKeys() {
            Vault old = new Vault("o", List.of("s3cret"), Map.of("alice@example.com", 1));
            Vault neu = new Vault("o", List.of("s3cret", "hunter2"), Map.of("bob@example.com", 1));

            List<Difference> differences = diff(old, neu);

            assertThat(differences)
                    .containsExactly(
                            new Difference("$.secrets", "***", "***"),
                            new Difference("$.secrets[1]", "***", "***"),
                            new Difference("$.byEmail[***]", "***", "***"),
                            new Difference("$.byEmail[***]", "***", "***"));
            assertNoneContains(differences, "s3cret", "hunter2", "alice", "bob", "size");
        }

        @Test
        void sensitiveFieldNamesOptionMasksClassesThatCannotBeAnnotated() {
            LegacyUser old = new LegacyUser("ada", "correct-horse");
            LegacyUser neu = new LegacyUser("ada", "battery-staple");

            assertThat(diff(old, neu)).containsExactly(new Difference("$.password", "\"correct-horse\"", "\"battery-staple\""));

            List<Difference> masked = with(CompareOptions.defaults().withSensitiveFieldNames("password")).diff(old, neu);
            assertThat(masked).containsExactly(new Difference("$.password", "***", "***"));
            assertNoneContains(masked, "horse", "battery");
        }

        @Test
        void annotatedGetterMasksItsField() {
            List<Difference> differences = diff(new TokenHolder("tok-1"), new TokenHolder("tok-2"));

            assertThat(differences).containsExactly(new Difference("$.token", "***", "***"));
            assertNoneContains(differences, "tok-");
        }

        private static void assertNoneContains(List<Difference> differences, String... secrets) {
            for (Difference d : differences) {
                for (String s : List.of(d.path(), d.oldValue(), d.newValue(), d.toString())) {
                    assertThat(s).doesNotContain(secrets);
                }
            }
        }
    }

    @Nested
    class GraphsAndLimits {

        @Test
        void cyclicGraphsTerminateAndDifferencesInsideTheCycleAreFound() {
            Left old = cycle("l", "r");
            Left neu = cycle("l", "r2");

            assertThat(diff(old, cycle("l", "r"))).isEmpty();
            assertThat(diff(old, neu)).containsExactly(new Difference("$.right.name", "\"r\"", "\"r2\""));
        }

        @Test
        void listContainingItselfTerminates() {
            List<Object> old = new ArrayList<>();
            old.add("a");
            old.add(old);
            List<Object> neu = new ArrayList<>();
            neu.add("b");
            neu.add(neu);

            assertThat(diff(old, neu)).containsExactly(new Difference("$[0]", "\"a\"", "\"b\""));
        }

        @Test
        void chainOfOneHundredThousandNodesDoesNotOverflowTheStack() {
            assertThat(diff(chain(100_000, 0), chain(100_000, 0))).isEmpty();

            List<Difference> differences = diff(chain(100_000, 0), chain(100_000, 1));

            assertThat(differences).singleElement().satisfies(d -> {
                assertThat(d.path()).startsWith("$.next.next").endsWith(".next.value").contains("more").hasSizeLessThan(1_000);
                assertThat(d.oldValue()).isEqualTo("99999");
                assertThat(d.newValue()).isEqualTo("100000");
            });
        }

        @Test
        void oneMillionEqualRowsCompareEqual() {
            Instant now = Instant.parse("2024-01-01T00:00:00Z");
            List<Row> old = new ArrayList<>(1_000_000);
            List<Row> neu = new ArrayList<>(1_000_000);
            for (int i = 0; i < 1_000_000; i++) {
                old.add(new Row(i, "row" + i, Status.OPEN, BigDecimal.valueOf(i, 2), now));
                neu.add(new Row(i, "row" + i, Status.OPEN, BigDecimal.valueOf(i * 10L, 3), now));
            }

            assertThat(diff(old, neu)).isEmpty();
        }

        @Test
        void stopsAtMaxDifferences() {
            List<Integer> old = IntStream.range(0, 100).boxed().toList();
            List<Integer> neu = IntStream.range(0, 100).map(i -> -i - 1).boxed().toList();

            assertThat(with(CompareOptions.defaults().withMaxDifferences(5)).diff(old, neu))
                    .extracting(Difference::path)
                    .containsExactly("$[0]", "$[1]", "$[2]", "$[3]", "$[4]");
            assertThat(diff(old, neu)).hasSize(CompareOptions.DEFAULT_MAX_DIFFERENCES);
        }

        @Test
        void isSafeToShareBetweenThreads() throws Exception {
            List<Order> old = IntStream.range(0, 2_000)
                    .mapToObj(i -> new Order("o" + i, List.of(new Line("a", i), new Line("b", i))))
                    .toList();
            List<Order> neu = IntStream.range(0, 2_000)
                    .mapToObj(i -> new Order("o" + i, List.of(new Line("a", i), new Line("b", i == 1_500 ? -1 : i))))
                    .toList();
            List<Difference> expected = List.of(new Difference("$[id=\"o1500\"].lines[1].quantity", "1500", "-1"));

            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<List<Difference>>> results = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    results.add(pool.submit(() -> DEFAULT.diff(old, neu)));
                }
                for (Future<List<Difference>> result : results) {
                    assertThat(result.get()).isEqualTo(expected);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static Left cycle(String leftName, String rightName) {
        Left left = new Left();
        Right right = new Right();
        left.name = leftName;
        left.right = right;
        right.name = rightName;
        right.left = left;
        return left;
    }

    /** A linked list of {@code length} nodes valued 0, 1, 2…, the last one raised by {@code lastOffset}. */
    private static Node chain(int length, int lastOffset) {
        Node next = null;
        for (int i = length - 1; i >= 0; i--) {
            Node node = new Node();
            node.value = i == length - 1 ? i + lastOffset : i;
            node.next = next;
            next = node;
        }
        return next;
    }
}

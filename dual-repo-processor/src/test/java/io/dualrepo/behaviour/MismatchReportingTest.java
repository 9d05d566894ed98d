package io.dualrepo.behaviour;

import static io.dualrepo.behaviour.Harness.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualrepo.ComparisonMode;
import io.dualrepo.MismatchException;
import io.dualrepo.compare.ComparisonResult;
import io.dualrepo.compare.Difference;
import io.dualrepo.routing.Stage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Mismatches are counted exactly, logged with their field paths and masked values, and never flood the logs. */
class MismatchReportingTest {

    private static final String CARD = "4111-1111-1111-1111";

    @Test
    void aMismatchIsCountedAndLoggedWithItsPathsAndMaskedSensitiveFields() {
        try (Harness harness = new Harness(b -> b.comparisonMode(ComparisonMode.SYNC))) {
            harness.oldModel.rows.put("o-1", Order.of("o-1", "c-1"));
            harness.newModel.rows.put("o-1", Order.of("o-1", "c-1"));
            // The planted bug: the new model maps one status wrong and garbles the card number.
            harness.newModel.readBug = order -> order.withStatus("closed").withCardNumber("0000-0000-0000-0000");
            harness.routes.set("orders", Stage.SHADOW);

            harness.orders.findById("o-1");

            assertThat(harness.comparisons("findById", "mismatch")).isEqualTo(1);
            ComparisonResult result = harness.comparisons.peek();
            assertThat(result.differences()).extracting(Difference::path)
                    .containsExactlyInAnyOrder("$.status", "$.cardNumber");
            assertThat(result.differences()).filteredOn(d -> d.path().equals("$.status")).singleElement()
                    .extracting(Difference::oldValue, Difference::newValue)
                    .containsExactly("\"open\"", "\"closed\"");
            assertThat(result.differences()).filteredOn(d -> d.path().equals("$.cardNumber")).singleElement()
                    .extracting(Difference::oldValue, Difference::newValue)
                    .containsExactly("***", "***");

            List<String> lines = harness.logLines("io.dualrepo.Mismatch");
            assertThat(lines).singleElement().satisfies(line -> assertThat(line)
                    .contains("orders.findById")
                    .contains("$.status: old=\"open\" new=\"closed\"")
                    .contains("$.cardNumber: old=*** new=***")
                    .doesNotContain(CARD)
                    .doesNotContain("0000-0000"));
        }
    }

    @Test
    void aFloodOfMismatchesIsCountedExactlyButLoggedBoundedly() {
        int mismatches = 10_000;
        try (Harness harness = new Harness(b -> b.comparisonMode(ComparisonMode.SYNC).mismatchLogsPerMinute(10))) {
            harness.oldModel.rows.put("o-1", Order.of("o-1", "c-1"));
            harness.newModel.rows.put("o-1", Order.of("o-1", "c-1").withStatus("wrong"));
            harness.routes.set("orders", Stage.SHADOW);

            for (int i = 0; i < mismatches; i++) {
                harness.orders.findById("o-1");
            }

            assertThat(harness.comparisons("findById", "mismatch")).isEqualTo(mismatches);
            assertThat(harness.comparisons).hasSize(mismatches);
            assertThat(harness.logLines("io.dualrepo.Mismatch")).hasSize(10);
            assertThat(harness.counter("dualrepo.mismatch.logs.suppressed", "method", "findById"))
                    .isEqualTo(mismatches - 10);
        }
    }

    @Test
    void aFloodFromManyThreadsInTheBackgroundIsStillCountedExactly() throws Exception {
        int threads = 4;
        int perThread = 2_500;
        try (Harness harness = new Harness(b -> b.comparisonMode(ComparisonMode.ASYNC).comparisonQueue(100_000))) {
            harness.oldModel.rows.put("o-1", Order.of("o-1", "c-1"));
            harness.newModel.rows.put("o-1", Order.of("o-1", "c-1").withStatus("wrong"));
            harness.routes.set("orders", Stage.SHADOW);

            Thread[] callers = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                callers[t] = new Thread(() -> {
                    for (int i = 0; i < perThread; i++) {
                        harness.orders.findById("o-1");
                    }
                });
                callers[t].start();
            }
            for (Thread caller : callers) {
                caller.join();
            }

            eventually("all comparisons done",
                    () -> harness.comparisons("findById", "mismatch") == threads * perThread);
            assertThat(harness.comparisons("findById", "skipped")).isZero();
            assertThat(harness.logLines("io.dualrepo.Mismatch")).hasSizeLessThanOrEqualTo(10);
        }
    }

    @Test
    void ignoredFieldsAndUnorderedListsComeFromTheMethodsCompareAnnotation() {
        try (Harness harness = new Harness(b -> b.comparisonMode(ComparisonMode.SYNC))) {
            for (String id : List.of("o-1", "o-2", "o-3")) {
                harness.oldModel.rows.put(id, Order.of(id, "c-1"));
                harness.newModel.rows.put(id, Order.of(id, "c-1").withCardNumber("other"));
            }
            harness.routes.set("orders", Stage.SHADOW);

            // The new model returns the rows in reverse order and with another card number: both are ignored.
            assertThat(harness.orders.findAllUnordered()).hasSize(3);
            assertThat(harness.comparisons("findAllUnordered", "match")).isEqualTo(1);

            // The same rows through a method without @Compare: the card number counts there.
            harness.orders.findByCustomer("c-1");
            assertThat(harness.comparisons("findByCustomer", "mismatch")).isEqualTo(1);
        }
    }

    @Test
    void aListReadNamesTheRowsOneModelLacksByTheirKeyAndMasksWhatIsSensitive() {
        try (Harness harness = new Harness(b -> b.comparisonMode(ComparisonMode.SYNC))) {
            for (String id : List.of("o-1", "o-2", "o-3")) {
                harness.oldModel.rows.put(id, Order.of(id, "c-1"));
                harness.newModel.rows.put(id, Order.of(id, "c-1"));
            }
            // The planted bug: the new model lost the first row and maps one status wrong.
            harness.newModel.rows.remove("o-1");
            harness.newModel.rows.put("o-3", Order.of("o-3", "c-1").withStatus("closed"));
            harness.routes.set("orders", Stage.SHADOW);

            harness.orders.findByCustomer("c-1");

            assertThat(harness.comparisons("findByCustomer", "mismatch")).isEqualTo(1);
            assertThat(harness.comparisons.peek().differences()).containsExactly(
                    new Difference("$", "size=3", "size=2"),
                    new Difference("$[id=\"o-1\"]",
                            "Order{id=\"o-1\", customerId=\"c-1\", status=\"open\", cardNumber=***, items=[\"book\","
                                    + " \"pen\"]}",
                            "<absent>"),
                    new Difference("$[id=\"o-3\"].status", "\"open\"", "\"closed\""));
            assertThat(harness.logLines("io.dualrepo.Mismatch")).singleElement().satisfies(line -> assertThat(line)
                    .contains("$[id=\"o-1\"]: old=Order{id=\"o-1\"")
                    .contains("$[id=\"o-3\"].status: old=\"open\" new=\"closed\"")
                    .doesNotContain(CARD));
        }
    }

    @Test
    void positionalAndKeyComeFromTheMethodsCompareAnnotation() {
        try (Harness harness = new Harness(b -> b.comparisonMode(ComparisonMode.SYNC))) {
            harness.oldModel.rows.put("o-1", Order.of("o-1", "c-1").withCardNumber("1111"));
            harness.oldModel.rows.put("o-2", Order.of("o-2", "c-1").withCardNumber("2222"));
            harness.newModel.rows.put("o-2", Order.of("o-2", "c-1").withCardNumber("2222"));
            harness.routes.set("orders", Stage.SHADOW);

            harness.orders.findShippingQueue();
            harness.orders.findAllByCard();

            List<ComparisonResult> results = List.copyOf(harness.comparisons);
            assertThat(results.get(0).differences()).extracting(Difference::path)
                    .containsExactly("$", "$[0].id", "$[0].cardNumber", "$[1]");
            // Keyed by the card number, which is sensitive: the key is masked as the field is.
            assertThat(results.get(1).differences()).extracting(Difference::path)
                    .containsExactly("$", "$[cardNumber=***]");
            assertThat(results.get(1).differences().toString()).doesNotContain("1111", "2222");
        }
    }

    @Test
    void strictModeThrowsOnAMismatchSoThatATestSuiteFails() {
        try (Harness harness = new Harness(b -> b.comparisonMode(ComparisonMode.STRICT))) {
            harness.oldModel.rows.put("o-1", Order.of("o-1", "c-1"));
            harness.newModel.rows.put("o-1", Order.of("o-1", "c-1").withStatus("wrong"));
            harness.routes.set("orders", Stage.SHADOW);

            assertThatThrownBy(() -> harness.orders.findById("o-1"))
                    .isInstanceOf(MismatchException.class)
                    .hasMessageContaining("orders.findById: MISMATCH")
                    .hasMessageContaining("$.status: old=\"open\" new=\"wrong\"")
                    .hasMessageNotContaining(CARD);

            harness.newModel.rows.put("o-1", Order.of("o-1", "c-1"));
            assertThat(harness.orders.findById("o-1")).isPresent();
        }
    }
}

package io.dualrepo.hibernate.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualrepo.Side;
import io.dualrepo.compare.Difference;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.model.Incident;
import io.dualrepo.hibernate.verify.IncidentLayout.Layout;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The verifier on both layouts of the new model, against rows planted by SQL: what it reports, and what the
 * databases hold after it repairs.
 */
class VerifierTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private IncidentLayout layout;

    @AfterEach
    void tearDown() throws Exception {
        layout.close();
    }

    /** Twelve keys both hold alike, and one or two planted discrepancies of each kind in between. */
    private void plant(Layout kind) {
        layout = IncidentLayout.of(kind);
        for (int i = 1; i <= 16; i++) {
            String id = String.format("i-%02d", i);
            switch (i) {
                case 3, 11 -> layout.oldOnly(id, "title " + i, "fixing");
                case 7 -> layout.newOnly(id, "title " + i, "monitoring");
                case 5 -> layout.differing(id, "title " + i, "fixing", "closed");
                case 9 -> layout.differing(id, "title " + i, "investigating", "monitoring");
                default -> layout.both(id, "title " + i, "investigating");
            }
        }
    }

    private Verifier.Builder<String, Incident> verifier() {
        // Pages of four, so the planted keys fall on page boundaries and in the middle of pages.
        return Verifier.builder(layout.migration).pageSize(4).meterRegistry(registry);
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void findsEachKindOfPlantedDifferenceWithExactCountsAndKeys(Layout kind) {
        plant(kind);

        VerificationResult<String> result = verifier().build().verify();

        assertThat(result.isClean()).isFalse();
        assertThat(result.missingInNew()).isEqualTo(2);
        assertThat(result.missingInNewSample()).containsExactly("i-03", "i-11");
        assertThat(result.missingInOld()).isEqualTo(1);
        assertThat(result.missingInOldSample()).containsExactly("i-07");
        assertThat(result.differing()).isEqualTo(2);
        assertThat(result.differingSample()).containsOnlyKeys("i-05", "i-09");
        assertThat(result.differingSample().get("i-05"))
                .containsExactly(new Difference("$.status", "\"fixing\"", "\"closed\""));
        assertThat(result.discrepancies()).isEqualTo(5);
        assertThat(result.oldRowsScanned()).isEqualTo(15);
        assertThat(result.newRowsScanned()).isEqualTo(14);
        assertThat(result.resolvedOnRecheck()).isZero();
        assertThat(result.repairSource()).isEmpty();
        assertThat(result.summary())
                .startsWith("incidents: NOT clean, 5 discrepancies (scanned 15 OLD and 14 NEW rows")
                .contains("missing in NEW: 2 (i-03, i-11)", "missing in OLD: 1 (i-07)", "differing: 2 (i-05, i-09)",
                        "i-05 $.status: old=\"fixing\" new=\"closed\"");
        assertThat(registry.get(Verifier.DISCREPANCIES).tag("kind", "missing_new").counter().count()).isEqualTo(2);
        // Verifying writes nothing.
        assertThat(layout.newRows()).hasSize(14);
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void repairFromOldMakesNewHoldWhatOldHoldsAndASecondVerificationIsClean(Layout kind) {
        plant(kind);

        VerificationResult<String> repaired = verifier().build().verifyAndRepair();
        VerificationResult<String> second = verifier().build().verify();

        assertThat(repaired.discrepancies()).isEqualTo(5);
        assertThat(repaired.repairSource()).contains(Side.OLD);
        assertThat(repaired.repaired()).isEqualTo(5);
        assertThat(repaired.repairFailures()).isZero();
        assertThat(second.isClean()).as(second.summary()).isTrue();
        assertThat(layout.newRows()).isEqualTo(layout.oldRows());
        assertThat(layout.newRows()).contains("i-03 title 3 fixing", "i-05 title 5 fixing", "i-11 title 11 fixing")
                .noneMatch(row -> row.startsWith("i-07 "));
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void repairFromNewMakesOldHoldWhatNewHolds(Layout kind) {
        plant(kind);

        VerificationResult<String> repaired = verifier().sourceOfTruth(Side.NEW).build().verifyAndRepair();

        assertThat(repaired.repairSource()).contains(Side.NEW);
        assertThat(repaired.repaired()).isEqualTo(5);
        assertThat(verifier().build().verify().isClean()).isTrue();
        assertThat(layout.oldRows()).isEqualTo(layout.newRows());
        assertThat(layout.oldRows()).contains("i-05 title 5 closed", "i-07 title 7 monitoring")
                .noneMatch(row -> row.startsWith("i-03 ") || row.startsWith("i-11 "));
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void identicalModelsAreClean(Layout kind) {
        layout = IncidentLayout.of(kind);
        for (int i = 1; i <= 9; i++) {
            layout.both("i-" + i, "title " + i, "fixing");
        }

        VerificationResult<String> result = verifier().build().verify();

        assertThat(result.isClean()).as(result.summary()).isTrue();
        assertThat(result.oldRowsScanned()).isEqualTo(9);
        assertThat(result.newRowsScanned()).isEqualTo(9);
        assertThat(result.summary()).startsWith("incidents: clean (scanned 9 OLD and 9 NEW rows");
    }

    @Test
    void emptyModelsAreClean() {
        layout = IncidentLayout.of(Layout.NEW_TABLES);

        VerificationResult<String> result = verifier().build().verify();

        assertThat(result.isClean()).isTrue();
        assertThat(result.oldRowsScanned()).isZero();
    }

    @Test
    void countsAreExactWhereSamplesStop() {
        layout = IncidentLayout.of(Layout.NEW_TABLES);
        IntStream.rangeClosed(1, 30).forEach(i -> layout.oldOnly(String.format("i-%02d", i), "title", "fixing"));

        VerificationResult<String> result = verifier().maxSamples(3).build().verify();

        assertThat(result.missingInNew()).isEqualTo(30);
        assertThat(result.missingInNewSample()).containsExactly("i-01", "i-02", "i-03");
        assertThat(result.summary()).contains("missing in NEW: 30 (i-01, i-02, i-03, …)");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 10})
    void keysOutOfAscendingOrderFailTheVerificationInsteadOfMisreporting(int pageSize) {
        // Within one page with pages of ten, across two pages with pages of one.
        layout = IncidentLayout.of(Layout.NEW_TABLES);
        layout.both("B-1", "title", "fixing");
        layout.both("a-2", "title", "fixing");
        Migration<String, Incident> migration = layout.migration;
        Migration<String, Incident> collated = Migration.of(migration.name(), migration.keyType(),
                new CaseInsensitiveOrder(migration.oldModel()), migration.newModel());

        assertThatThrownBy(() -> Verifier.builder(collated).pageSize(pageSize).meterRegistry(registry).build().verify())
                .isInstanceOfSatisfying(KeyOrderException.class, e -> assertThat(e.side()).isEqualTo(Side.OLD))
                .hasMessageContaining("the OLD model's page returned key 'B-1' after 'a-2'")
                .hasMessageContaining("collate \"C\"");
    }

    @Test
    void aKeyThatAgreesWhenReadAgainWasAWriteInFlightAndIsNotReported() {
        layout = IncidentLayout.of(Layout.NEW_TABLES);
        layout.both("i-1", "title", "fixing");
        layout.differing("i-2", "title", "closed", "fixing");
        layout.both("i-3", "title", "fixing");
        // OLD's page is read with i-2 closed; the write that reopens it lands before the verifier reads it again.
        Migration<String, Incident> migration = layout.migration;
        Migration<String, Incident> inFlight = Migration.of(migration.name(), migration.keyType(),
                new InterceptedModel<>(migration.oldModel(), () -> layout.setOldStatus("i-2", "fixing")),
                migration.newModel());

        VerificationResult<String> result = Verifier.builder(inFlight).meterRegistry(registry).build().verify();

        assertThat(result.isClean()).as(result.summary()).isTrue();
        assertThat(result.resolvedOnRecheck()).isEqualTo(1);
        assertThat(result.summary()).contains("agreed when read again (writes in flight): 1");
    }

    @Test
    void theRepairWritesTheSourcesCurrentValueNotTheOneTheScanRead() {
        layout = IncidentLayout.of(Layout.NEW_TABLES);
        layout.differing("i-1", "title", "fixing", "investigating");
        Migration<String, Incident> migration = layout.migration;
        Migration<String, Incident> moving = Migration.of(migration.name(), migration.keyType(),
                new InterceptedModel<>(migration.oldModel(), () -> layout.setOldStatus("i-1", "monitoring")),
                migration.newModel());

        VerificationResult<String> result = Verifier.builder(moving).meterRegistry(registry).build().verifyAndRepair();

        assertThat(result.repaired()).isEqualTo(1);
        assertThat(layout.newRows()).containsExactly("i-1 title monitoring");
    }

    @Test
    void aRepairThatFailsIsCountedAndTheRestStillRepaired() {
        layout = IncidentLayout.of(Layout.NEW_TABLES);
        // NEW's title column takes forty characters: this one cannot be repaired into it.
        layout.oldOnly("i-1", "a title far longer than forty characters, the limit", "fixing");
        layout.oldOnly("i-2", "short", "fixing");

        VerificationResult<String> result = verifier().build().verifyAndRepair();

        assertThat(result.repaired()).isEqualTo(1);
        assertThat(result.repairFailures()).isEqualTo(1);
        assertThat(result.repairFailureSample()).containsOnlyKeys("i-1");
        // H2's message quotes the refused value; the sample, which the summary logs, keeps the SQLState only.
        assertThat(result.repairFailureSample().get("i-1")).contains("[SQLState 22001]")
                .doesNotContain("a title far longer");
        assertThat(result.summary()).doesNotContain("a title far longer");
        assertThat(result.summary()).contains("repaired from OLD: 1, failed: 1");
        assertThat(layout.newRows()).containsExactly("i-2 short fixing");
        assertThat(verifier().build().verify().missingInNewSample()).containsExactly("i-1");
    }
}

package io.dualrepo.sample.spring.model;

import io.dualrepo.DualRepo;
import io.dualrepo.hibernate.Migration;
import io.dualrepo.hibernate.backfill.Backfill;
import io.dualrepo.hibernate.backfill.BackfillResult;
import io.dualrepo.hibernate.verify.VerificationResult;
import io.dualrepo.hibernate.verify.Verifier;
import io.dualrepo.record.MigrationRecord;
import io.dualrepo.sample.spring.Incident;
import java.time.Duration;
import java.util.Map;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Glue the starter does not provide yet: the operator's backfill and verification of the incidents, over HTTP.
 * Each hands its evidence to the migration record, which the stage changes of the Actuator endpoint are judged by.
 */
@RestController
public class MigrationJobs {

    private final Migration<String, Incident> migration;
    private final MigrationRecord record;
    private final DualRepo dualRepo;

    MigrationJobs(Migration<String, Incident> migration, MigrationRecord record, DualRepo dualRepo) {
        this.migration = migration;
        this.record = record;
        this.dualRepo = dualRepo;
    }

    /** Copies the incidents written before dual writes began into the new model; start it in DUAL_WRITE. */
    @PostMapping("/migration/incidents/backfill")
    public Map<String, Object> backfill() {
        BackfillResult result = Backfill.builder(migration).restart().migrationRecord(record).build().run();
        dualRepo.refreshRecord(migration.name());
        return Map.of("finished", result.finished(), "rowsScanned", result.rowsScanned(),
                "rowsWritten", result.rowsWritten());
    }

    /** Compares both models row by row; a clean pass after the backfill lets reads move to the new model. */
    @PostMapping("/migration/incidents/verify")
    public Map<String, Object> verify() {
        // A dual write is two transactions here: a key read between them is read again before it counts.
        VerificationResult<String> result = Verifier.builder(migration).recheck(3, Duration.ofSeconds(3))
                .migrationRecord(record).build().verify();
        dualRepo.refreshRecord(migration.name());
        return Map.of("clean", result.isClean(), "oldRowsScanned", result.oldRowsScanned(),
                "newRowsScanned", result.newRowsScanned(), "summary", result.summary());
    }
}

package io.dualrepo.hibernate.backfill;

import io.dualrepo.hibernate.KeyedModel;
import io.dualrepo.hibernate.internal.lease.LeaseStore.Totals;
import io.dualrepo.hibernate.internal.lease.Pacer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dry run: reads the old model from the first key and counts, page by page, the keys the new model does not hold,
 * which is what {@code insertAbsent} would write. Reads only; the checkpoint tables are not even created.
 */
final class DryRun<K extends Comparable<? super K>, V> {

    private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);

    private final Backfill<K, V> config;
    private final ProgressReporter progress;

    DryRun(Backfill<K, V> config, ProgressReporter progress) {
        this.config = config;
        this.progress = progress;
    }

    BackfillResult run() {
        long start = System.nanoTime();
        KeyedModel<K, V> oldModel = config.migration.oldModel();
        KeyedModel<K, V> newModel = config.migration.newModel();
        Pacer pacer = new Pacer(config.rowsPerSecond);
        long total = oldModel.transactions().read(oldModel::estimateCount);
        progress.start(Totals.NONE, total);
        LOG.info("backfill {} (dry run): counting the old rows the new model lacks, about {} in all", config.job,
                total < 0 ? "?" : total);
        long scanned = 0;
        long wouldWrite = 0;
        long pages = 0;
        @Nullable K after = null;
        boolean complete = false;
        while (pacer.awaitTurn()) {
            K from = after;
            List<V> page = oldModel.transactions().read(session -> oldModel.page(session, from, config.batchSize));
            if (page.isEmpty()) {
                complete = true;
                break;
            }
            List<K> keys = new ArrayList<>(page.size());
            for (V value : page) {
                keys.add(oldModel.keyOf(value));
            }
            Set<K> held = newModel.transactions().read(session -> newModel.present(session, keys));
            long missing = keys.stream().filter(key -> !held.contains(key)).count();
            scanned += page.size();
            wouldWrite += missing;
            pages++;
            pacer.consumed(page.size());
            progress.copied(page.size(), missing);
            after = keys.get(keys.size() - 1);
            if (page.size() < config.batchSize) {
                complete = true;
                break;
            }
        }
        if (complete) {
            progress.finished(null, 0);
        } else {
            progress.stopped();
        }
        BackfillResult result = new BackfillResult(config.job, true, complete, scanned, wouldWrite, 0, 0, 0, 0, pages,
                Duration.ofNanos(System.nanoTime() - start));
        LOG.info("{}", result);
        return result;
    }
}

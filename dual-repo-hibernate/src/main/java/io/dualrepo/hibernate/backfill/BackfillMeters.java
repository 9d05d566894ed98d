package io.dualrepo.hibernate.backfill;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/** One backfill's gauges and counter, registered once and fed the latest progress. */
final class BackfillMeters {

    private final AtomicReference<BackfillProgress> latest = new AtomicReference<>();
    private final Counter retries;
    private final Counter rejected;

    BackfillMeters(MeterRegistry registry, String job) {
        gauge(registry, job, BackfillMetrics.ROWS_DONE, "rows", BackfillProgress::done);
        gauge(registry, job, BackfillMetrics.ROWS_TOTAL, "rows", p -> p.total() < 0 ? Double.NaN : p.total());
        gauge(registry, job, BackfillMetrics.ROWS_WRITTEN, "rows", BackfillProgress::written);
        gauge(registry, job, BackfillMetrics.ROWS_REMOVED, "rows", BackfillProgress::removed);
        gauge(registry, job, BackfillMetrics.ROWS_QUARANTINED, "rows", BackfillProgress::quarantined);
        gauge(registry, job, BackfillMetrics.RATE, "rows/s", BackfillProgress::rowsPerSecond);
        gauge(registry, job, BackfillMetrics.ETA, "seconds",
                p -> p.eta().map(eta -> eta.toMillis() / 1000.0).orElse(Double.NaN));
        this.retries = Counter.builder(BackfillMetrics.RETRIES).tag(BackfillMetrics.TAG_JOB, job)
                .description("backfill batch transactions retried after a conflict").register(registry);
        this.rejected = Counter.builder(BackfillMetrics.REJECTED).tag(BackfillMetrics.TAG_JOB, job)
                .description("rows the new model rejected, recorded in the quarantine").register(registry);
    }

    private void gauge(MeterRegistry registry, String job, String name, String unit,
            ToDoubleFunction<BackfillProgress> value) {
        Gauge.builder(name, latest, ref -> {
                    BackfillProgress progress = ref.get();
                    return progress == null ? Double.NaN : value.applyAsDouble(progress);
                })
                .tag(BackfillMetrics.TAG_JOB, job)
                .baseUnit(unit)
                .strongReference(true)
                .register(registry);
    }

    void update(BackfillProgress progress) {
        latest.set(progress);
    }

    void retried() {
        retries.increment();
    }

    void rejected(long rows) {
        rejected.increment(rows);
    }
}

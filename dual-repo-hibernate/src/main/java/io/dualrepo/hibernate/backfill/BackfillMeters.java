package io.dualrepo.hibernate.backfill;

import io.dualrepo.hibernate.HibernateMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/** One backfill's gauges and counter, registered once and fed the latest progress. */
final class BackfillMeters {

    private final AtomicReference<BackfillProgress> latest = new AtomicReference<>();
    private final Counter retries;
    private final Counter rejected;

    BackfillMeters(MeterRegistry registry, String job) {
        gauge(registry, job, HibernateMeters.BACKFILL_ROWS_DONE, BackfillProgress::done);
        gauge(registry, job, HibernateMeters.BACKFILL_ROWS_TOTAL, p -> p.total() < 0 ? Double.NaN : p.total());
        gauge(registry, job, HibernateMeters.BACKFILL_ROWS_WRITTEN, BackfillProgress::written);
        gauge(registry, job, HibernateMeters.BACKFILL_ROWS_REMOVED, BackfillProgress::removed);
        gauge(registry, job, HibernateMeters.BACKFILL_ROWS_QUARANTINED, BackfillProgress::quarantined);
        // A time gauge: the registry converts to its own base time unit.
        TimeGauge.builder(HibernateMeters.BACKFILL_ETA.meterName(), latest, TimeUnit.MILLISECONDS, ref -> {
                    BackfillProgress progress = ref.get();
                    return progress == null ? Double.NaN
                            : progress.eta().map(eta -> (double) eta.toMillis()).orElse(Double.NaN);
                })
                .description(HibernateMeters.BACKFILL_ETA.description())
                .tag(BackfillMetrics.TAG_JOB, job)
                .strongReference(true)
                .register(registry);
        this.retries = counter(registry, job, HibernateMeters.BACKFILL_RETRIES);
        this.rejected = counter(registry, job, HibernateMeters.BACKFILL_REJECTED);
    }

    private static Counter counter(MeterRegistry registry, String job, HibernateMeters meter) {
        return Counter.builder(meter.meterName()).description(meter.description()).tag(BackfillMetrics.TAG_JOB, job)
                .register(registry);
    }

    private void gauge(MeterRegistry registry, String job, HibernateMeters meter,
            ToDoubleFunction<BackfillProgress> value) {
        Gauge.builder(meter.meterName(), latest, ref -> {
                    BackfillProgress progress = ref.get();
                    return progress == null ? Double.NaN : value.applyAsDouble(progress);
                })
                .description(meter.description())
                .tag(BackfillMetrics.TAG_JOB, job)
                .baseUnit(meter.baseUnit())
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

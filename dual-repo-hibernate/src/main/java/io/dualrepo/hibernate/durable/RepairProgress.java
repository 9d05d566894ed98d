package io.dualrepo.hibernate.durable;

import io.dualrepo.hibernate.HibernateMeters;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one repository's repair pass stands: keys synced, keys waiting when it started, its rate and the time it needs
 * for the rest, as gauges and, every log interval, an INFO line shaped like the backfill's ("1,200 of 100,000 keys
 * (1.2 %), 850 keys/s, eta 1m56s"). The total is counted once per pass; keys written meanwhile are the next pass's,
 * and keys left to another instance are not done by this one, so a pass can end below its total.
 */
final class RepairProgress {

    private static final Logger log = LoggerFactory.getLogger(PendingSyncRepair.class);

    private final String repository;
    private final long logIntervalNanos;
    private volatile long total = -1;
    private volatile long done;
    private volatile long startNanos = System.nanoTime();
    private volatile long endNanos = -1;
    private long lastLogNanos;

    RepairProgress(String repository, Duration logInterval, MeterRegistry registry) {
        this.repository = repository;
        this.logIntervalNanos = logInterval.toNanos();
        gauge(registry, HibernateMeters.SYNC_REPAIR_KEYS_DONE, progress -> progress.done);
        gauge(registry, HibernateMeters.SYNC_REPAIR_KEYS_TOTAL,
                progress -> progress.total < 0 ? Double.NaN : progress.total);
        gauge(registry, HibernateMeters.SYNC_REPAIR_RATE, RepairProgress::rate);
        TimeGauge.builder(HibernateMeters.SYNC_REPAIR_ETA.meterName(), this, TimeUnit.SECONDS,
                        RepairProgress::etaSeconds)
                .description(HibernateMeters.SYNC_REPAIR_ETA.description())
                .tag(SyncMetrics.TAG_REPOSITORY, repository)
                .strongReference(true)
                .register(registry);
    }

    private void gauge(MeterRegistry registry, HibernateMeters meter,
            java.util.function.ToDoubleFunction<RepairProgress> value) {
        Gauge.builder(meter.meterName(), this, value)
                .description(meter.description())
                .tag(SyncMetrics.TAG_REPOSITORY, repository)
                .baseUnit(meter.baseUnit())
                .strongReference(true)
                .register(registry);
    }

    /** A pass starts with {@code waiting} keys. */
    void start(long waiting) {
        total = waiting;
        done = 0;
        startNanos = System.nanoTime();
        lastLogNanos = startNanos;
        endNanos = -1;
    }

    void add(long synced) {
        if (synced <= 0) {
            return;
        }
        done += synced;
        long now = System.nanoTime();
        if (now - lastLogNanos >= logIntervalNanos) {
            lastLogNanos = now;
            log.info("{}: pending-sync repair: {}", repository, describe());
        }
    }

    void finish() {
        endNanos = System.nanoTime();
    }

    long done() {
        return done;
    }

    double rate() {
        long end = endNanos >= 0 ? endNanos : System.nanoTime();
        double seconds = (end - startNanos) / 1e9;
        return seconds > 0 ? done / seconds : 0;
    }

    double etaSeconds() {
        if (endNanos >= 0) {
            return 0;
        }
        if (total < 0) {
            return Double.NaN;
        }
        long left = Math.max(0, total - done);
        if (left == 0) {
            return 0;
        }
        double rate = rate();
        return rate > 0 ? left / rate : Double.NaN;
    }

    String describe() {
        StringBuilder line = new StringBuilder();
        long total = this.total;
        if (total >= 0) {
            line.append(String.format(Locale.ROOT, "%,d of %,d keys (%.1f %%)", done, total,
                    total == 0 ? 100.0 : Math.min(100.0, done * 100.0 / total)));
        } else {
            line.append(String.format(Locale.ROOT, "%,d keys", done));
        }
        line.append(String.format(Locale.ROOT, ", %,.0f keys/s", rate()));
        double eta = etaSeconds();
        if (!Double.isNaN(eta) && endNanos < 0) {
            line.append(", eta ").append(Duration.ofMillis((long) Math.ceil(eta * 1000)).truncatedTo(ChronoUnit.SECONDS)
                    .toString().substring(2).toLowerCase(Locale.ROOT));
        }
        return line.toString();
    }
}

package io.dualrepo.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Latencies recorded by many threads and read as a percentile by one: log-linear buckets, {@value #SUB_BUCKETS} per
 * power of two, so a percentile is within about 3 % of the true one. Recording is two atomic adds; there is no lock,
 * and a {@link #clear()} racing with a record may lose that sample, which a sample can afford.
 */
final class LatencyWindow {

    private static final int SUB_BITS = 5;
    static final int SUB_BUCKETS = 1 << SUB_BITS;
    private static final int BUCKETS = 64 * SUB_BUCKETS;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final AtomicLong total = new AtomicLong();

    void record(long nanos) {
        counts.incrementAndGet(bucket(Math.max(1, nanos)));
        total.incrementAndGet();
    }

    long count() {
        return total.get();
    }

    /** The smallest recorded latency at or above which lies no more than {@code 1 - quantile} of them; 0 if none. */
    long percentile(double quantile) {
        long n = total.get();
        if (n == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(quantile * n);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return lowerBound(i);
            }
        }
        return lowerBound(BUCKETS - 1);
    }

    void clear() {
        for (int i = 0; i < BUCKETS; i++) {
            counts.set(i, 0);
        }
        total.set(0);
    }

    static int bucket(long nanos) {
        int exponent = 63 - Long.numberOfLeadingZeros(nanos);
        if (exponent < SUB_BITS) {
            return (int) nanos;
        }
        int sub = (int) ((nanos >>> (exponent - SUB_BITS)) & (SUB_BUCKETS - 1));
        return (exponent - SUB_BITS + 1) * SUB_BUCKETS + sub;
    }

    static long lowerBound(int bucket) {
        if (bucket < SUB_BUCKETS) {
            return bucket;
        }
        int exponent = bucket / SUB_BUCKETS + SUB_BITS - 1;
        long sub = bucket % SUB_BUCKETS;
        return (1L << exponent) + (sub << (exponent - SUB_BITS));
    }
}

package io.dualrepo.reliability;

import java.util.Arrays;

/** Call latencies of one caller, then of all of them; percentiles by sorting, as the counts are small. */
final class Latencies {

    private long[] nanos = new long[1024];
    private int size;

    void add(long value) {
        if (size == nanos.length) {
            nanos = Arrays.copyOf(nanos, size * 2);
        }
        nanos[size++] = value;
    }

    void addAll(Latencies other) {
        for (int i = 0; i < other.size; i++) {
            add(other.nanos[i]);
        }
    }

    int count() {
        return size;
    }

    /** The 99th percentile in milliseconds, or NaN with no calls. */
    double p99Millis() {
        if (size == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(nanos, size);
        Arrays.sort(sorted);
        int index = (int) Math.ceil(0.99 * size) - 1;
        return sorted[Math.max(0, index)] / 1e6;
    }
}

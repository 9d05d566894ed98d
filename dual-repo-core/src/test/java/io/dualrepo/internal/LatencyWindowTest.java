package io.dualrepo.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LatencyWindowTest {

    @Test
    void everyValueFallsInABucketWhoseLowerBoundIsWithinAThirtySecondOfIt() {
        Random random = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            long value = 1 + (random.nextLong() >>> (1 + random.nextInt(62)));
            long lower = LatencyWindow.lowerBound(LatencyWindow.bucket(value));
            assertThat(lower).as("lower bound of %d", value).isLessThanOrEqualTo(value);
            assertThat((double) (value - lower) / value).as("error at %d", value).isLessThan(1.0 / 32);
        }
        for (long small = 1; small < 64; small++) {
            assertThat(LatencyWindow.lowerBound(LatencyWindow.bucket(small))).isEqualTo(small);
        }
        assertThat(LatencyWindow.bucket(Long.MAX_VALUE)).isLessThan(64 * LatencyWindow.SUB_BUCKETS);
    }

    @Test
    void percentilesMatchSortedSamplesWithinTheBucketWidth() {
        Random random = new Random(11);
        LatencyWindow window = new LatencyWindow();
        long[] samples = new long[20_000];
        for (int i = 0; i < samples.length; i++) {
            // Log-normal-ish latencies, 50 µs to tens of ms, as a database read's are.
            samples[i] = (long) (50_000 * Math.exp(Math.abs(random.nextGaussian()) * 2));
            window.record(samples[i]);
        }
        Arrays.sort(samples);
        for (double q : new double[] {0.5, 0.9, 0.99, 0.999}) {
            long exact = samples[(int) Math.ceil(q * samples.length) - 1];
            assertThat((double) window.percentile(q)).as("p%s", q * 100).isCloseTo(exact, within(exact / 30.0));
        }
        assertThat(window.count()).isEqualTo(samples.length);
        window.clear();
        assertThat(window.count()).isZero();
        assertThat(window.percentile(0.99)).isZero();
    }
}

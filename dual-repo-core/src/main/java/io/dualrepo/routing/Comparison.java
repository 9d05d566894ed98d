package io.dualrepo.routing;

/**
 * Whether reads are also sent to the other model and compared, and for which share of calls.
 *
 * @param sampleRatio the share of reads compared, from 0 (off) to 1 (every read)
 */
public record Comparison(double sampleRatio) {

    public static final Comparison OFF = new Comparison(0);
    public static final Comparison ALWAYS = new Comparison(1);

    public Comparison {
        if (!(sampleRatio >= 0 && sampleRatio <= 1)) {
            throw new IllegalArgumentException("comparison sample ratio must be between 0 and 1, was " + sampleRatio);
        }
    }

    public static Comparison sampled(double sampleRatio) {
        return new Comparison(sampleRatio);
    }

    public boolean isOn() {
        return sampleRatio > 0;
    }

    @Override
    public String toString() {
        return sampleRatio == 0 ? "off" : sampleRatio == 1 ? "on" : "on(" + sampleRatio + ")";
    }
}

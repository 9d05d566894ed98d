package io.dualrepo.compare;

/**
 * Receives every comparison outcome except {@link SkipReason#NOT_SAMPLED} skips: to store mismatches, alert,
 * or show them on a page. Called on the thread that made the comparison (a shadow thread by default); must be
 * quick. An exception thrown here is logged and counted, and never reaches the caller.
 */
@FunctionalInterface
public interface ComparisonListener {

    void onComparison(ComparisonResult result);
}

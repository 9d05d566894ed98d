package io.dualrepo.hibernate.verify;

import io.dualrepo.compare.Difference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Counts and samples of one verification, in the order keys were settled. */
final class Tally<K> {
    final String repository;
    long oldRows;
    long newRows;
    long missingInNew;
    long missingInOld;
    long differing;
    long quarantined;
    long resolved;
    long repaired;
    long repairFailures;
    final List<K> missingInNewSample = new ArrayList<>();
    final List<K> missingInOldSample = new ArrayList<>();
    final Map<K, List<Difference>> differingSample = new LinkedHashMap<>();
    final List<K> quarantinedSample = new ArrayList<>();
    final Map<K, String> repairFailureSample = new LinkedHashMap<>();

    Tally(String repository) {
        this.repository = repository;
    }

    void missingInNew(K key, int maxSamples) {
        missingInNew++;
        if (missingInNewSample.size() < maxSamples) {
            missingInNewSample.add(key);
        }
    }

    void missingInOld(K key, int maxSamples) {
        missingInOld++;
        if (missingInOldSample.size() < maxSamples) {
            missingInOldSample.add(key);
        }
    }

    void differing(K key, List<Difference> differences, int maxSamples) {
        differing++;
        if (differingSample.size() < maxSamples) {
            differingSample.put(key, differences);
        }
    }

    void quarantined(K key, int maxSamples) {
        quarantined++;
        if (quarantinedSample.size() < maxSamples) {
            quarantinedSample.add(key);
        }
    }

    void repairFailed(K key, String error, int maxSamples) {
        repairFailures++;
        if (repairFailureSample.size() < maxSamples) {
            repairFailureSample.put(key, error);
        }
    }
}

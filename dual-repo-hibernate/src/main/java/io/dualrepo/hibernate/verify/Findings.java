package io.dualrepo.hibernate.verify;

import io.dualrepo.hibernate.KeyType;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A segment's findings as text for its lease row: the counts and the sample keys (never a value), so that the pass's
 * result can be put together from every segment's, whichever run or instance verified it. One line per kind, keys
 * URL-encoded so that spaces separate them.
 */
final class Findings {

    private Findings() {}

    static <K extends Comparable<? super K>> String encode(Tally<K> tally, KeyType<K> keyType) {
        StringBuilder text = new StringBuilder("counts ").append(tally.missingInNew).append(' ')
                .append(tally.missingInOld).append(' ').append(tally.differing).append(' ')
                .append(tally.quarantined).append(' ').append(tally.resolved).append(' ').append(tally.repaired)
                .append(' ').append(tally.repairFailures);
        keys(text, "missing_new", tally.missingInNewSample, keyType);
        keys(text, "missing_old", tally.missingInOldSample, keyType);
        keys(text, "differing", tally.differingSample.keySet(), keyType);
        keys(text, "quarantined", tally.quarantinedSample, keyType);
        text.append("\nrepair_failed");
        for (Map.Entry<K, String> failure : tally.repairFailureSample.entrySet()) {
            text.append(' ').append(escape(keyType.encode(failure.getKey()))).append('=')
                    .append(escape(failure.getValue()));
        }
        return text.toString();
    }

    /**
     * Adds a segment's findings to the pass's tally; the samples stop at {@code maxSamples} each. Differing keys come
     * without their differences (null): the caller reads them again.
     */
    static <K extends Comparable<? super K>> void addTo(Tally<K> tally, String text, KeyType<K> keyType,
            int maxSamples) {
        for (String line : text.split("\n")) {
            String[] parts = line.split(" ");
            switch (parts[0]) {
                case "counts" -> {
                    tally.missingInNew += Long.parseLong(parts[1]);
                    tally.missingInOld += Long.parseLong(parts[2]);
                    tally.differing += Long.parseLong(parts[3]);
                    tally.quarantined += Long.parseLong(parts[4]);
                    tally.resolved += Long.parseLong(parts[5]);
                    tally.repaired += Long.parseLong(parts[6]);
                    tally.repairFailures += Long.parseLong(parts[7]);
                }
                case "missing_new" -> addKeys(tally.missingInNewSample, parts, keyType, maxSamples);
                case "missing_old" -> addKeys(tally.missingInOldSample, parts, keyType, maxSamples);
                case "quarantined" -> addKeys(tally.quarantinedSample, parts, keyType, maxSamples);
                case "differing" -> {
                    for (int i = 1; i < parts.length && tally.differingSample.size() < maxSamples; i++) {
                        tally.differingSample.put(keyType.decode(unescape(parts[i])), null);
                    }
                }
                case "repair_failed" -> {
                    for (int i = 1; i < parts.length && tally.repairFailureSample.size() < maxSamples; i++) {
                        String[] failure = parts[i].split("=", 2);
                        tally.repairFailureSample.put(keyType.decode(unescape(failure[0])), unescape(failure[1]));
                    }
                }
                default -> throw new IllegalStateException("unknown line in a verification lease's findings: "
                        + parts[0]);
            }
        }
    }

    private static <K extends Comparable<? super K>> void keys(StringBuilder text, String kind, Collection<K> keys,
            KeyType<K> keyType) {
        text.append('\n').append(kind);
        for (K key : keys) {
            text.append(' ').append(escape(keyType.encode(key)));
        }
    }

    private static <K extends Comparable<? super K>> void addKeys(List<K> sample, String[] parts,
            KeyType<K> keyType, int maxSamples) {
        for (int i = 1; i < parts.length && sample.size() < maxSamples; i++) {
            sample.add(keyType.decode(unescape(parts[i])));
        }
    }

    private static String escape(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static String unescape(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}

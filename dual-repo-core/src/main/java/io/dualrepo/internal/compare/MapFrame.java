package io.dualrepo.internal.compare;

import java.util.Iterator;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A map, compared by key: entries one side lacks are reported at their key. */
final class MapFrame extends Frame {
    private final Map<?, ?> olds;
    private final Map<?, ?> news;
    private final Iterator<? extends Map.Entry<?, ?>> oldEntries;
    private @Nullable Iterator<? extends Map.Entry<?, ?>> newEntries;

    MapFrame(Frame parent, IgnoredFields.@Nullable Node ignored, boolean masked, Map<?, ?> olds, Map<?, ?> news) {
        super(parent, ignored, masked);
        this.olds = olds;
        this.news = news;
        this.oldEntries = olds.entrySet().iterator();
        // A key can say as much as a value (an e-mail address keying a map), so it is masked too.
        this.childKind = masked ? MASKED_KEY : KEY;
    }

    @Override
    boolean advance(Walk walk) {
        while (oldEntries.hasNext()) {
            Map.Entry<?, ?> entry = oldEntries.next();
            Object key = entry.getKey();
            childRef = key;
            if (containsKey(news, key)) {
                walk.compare(this, entry.getValue(), news.get(key), ignored, masked);
            } else {
                walk.differ(this, true, entry.getValue(), Walk.ABSENT, masked);
            }
            if (walk.yielded(this)) {
                return true;
            }
        }
        if (newEntries == null) {
            newEntries = news.entrySet().iterator();
        }
        while (newEntries.hasNext()) {
            Map.Entry<?, ?> entry = newEntries.next();
            if (!containsKey(olds, entry.getKey())) {
                childRef = entry.getKey();
                walk.differ(this, true, Walk.ABSENT, entry.getValue(), masked);
                if (walk.full()) {
                    return true;
                }
            }
        }
        return false;
    }

    // Sorted and immutable maps throw for keys they could never hold (a Long in a TreeMap of Integers,
    // null in Map.of): such a key is simply absent.
    private static boolean containsKey(Map<?, ?> map, @Nullable Object key) {
        try {
            return map.containsKey(key);
        } catch (ClassCastException | NullPointerException e) {
            return false;
        }
    }
}

package io.dualrepo.internal.compare;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Elements of a list, or of a multiset, aligned by their keys. In this order it reports the elements only the
 * old side has ({@code [id=1009]} with {@code <absent>} as the new value), those only the new side has, for a
 * list whose order counts the first element out of order (the element it follows on each side, among those both
 * sides have), and then compares the elements both sides have, key by key.
 *
 * <p>Keys align only what they identify without doubt: when an element has no key property, a key is null or
 * not a plain value, or one side holds a key twice, this frame stands aside for the comparison the collection
 * would have without keys, by position from where the keys gave out or as a multiset, and reports nothing
 * itself. That is never an error: the read's result is still compared, its differences only named less well.
 */
final class KeyedFrame extends Frame {

    private final ElementKeys keys;
    private final List<?> olds;
    private final List<?> news;
    private final boolean ordered;
    private final int firstIndex;
    private final @Nullable Object before;

    /** For each old element, the index of the new one with its key, or -1. Null until aligned. */
    private int @Nullable [] partner;
    private boolean steppedAside;
    private int next;

    /**
     * @param ordered whether the order of the elements counts
     * @param firstIndex the position of the first of these elements in the whole list, for the paths when the
     *     keys give out and they are compared by position
     * @param before the element both sides have just before these, aligned by the same keys, or null when they
     *     start the list
     */
    KeyedFrame(Frame parent, IgnoredFields.@Nullable Node ignored, boolean masked, ElementKeys keys, List<?> olds,
            List<?> news, boolean ordered, int firstIndex, @Nullable Object before) {
        super(parent, ignored, masked);
        this.keys = keys;
        this.olds = olds;
        this.news = news;
        this.ordered = ordered;
        this.firstIndex = firstIndex;
        this.before = before;
    }

    @Override
    boolean advance(Walk walk) {
        if (steppedAside) {
            return false;
        }
        if (partner == null) {
            int[] pairs = align();
            if (pairs == null) {
                steppedAside = true;
                childKind = NONE;
                walk.push(ordered
                        ? new SequenceFrame(this, ignored, masked, olds.iterator(), news.iterator(), firstIndex)
                        : new UnorderedFrame(this, ignored, masked, olds, news));
                return true;
            }
            partner = pairs;
            reportUnpaired(walk, pairs);
            if (ordered && !walk.full()) {
                reportOrder(walk, pairs);
            }
            if (walk.full()) {
                return true;
            }
        }
        while (next < olds.size()) {
            int i = next++;
            if (partner[i] < 0) {
                continue;
            }
            Object a = olds.get(i);
            childByKey(a, alignedKey(a));
            walk.compare(this, a, news.get(partner[i]), ignored, masked);
            if (walk.yielded(this)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Pairs the elements by key: for each old element, the index of the new one with its key, or -1; null when the
     * keys cannot align them.
     */
    private int @Nullable [] align() {
        Map<Object, Integer> newByKey = new HashMap<>(capacity(news.size()));
        for (int j = 0; j < news.size(); j++) {
            Object key = keyOf(news.get(j));
            if (key == null || newByKey.put(key, j) != null) {
                return null;
            }
        }
        Map<Object, Integer> oldByKey = new HashMap<>(capacity(olds.size()));
        int[] pairs = new int[olds.size()];
        for (int i = 0; i < pairs.length; i++) {
            Object key = keyOf(olds.get(i));
            if (key == null || oldByKey.put(key, i) != null) {
                return null;
            }
            Integer j = newByKey.get(key);
            pairs[i] = j == null ? -1 : j;
        }
        return pairs;
    }

    /** The element's key as a hash table key, or null when it has none that can align it. */
    private @Nullable Object keyOf(@Nullable Object element) {
        Property key = keys.of(element);
        if (key == null || element == null) {
            return null;
        }
        Object value = key.read(element);
        return value != null && ElementKeys.usable(value) ? ElementKeys.hashable(value) : null;
    }

    /** The key property of an element that has one: every element once aligned, and the one they follow. */
    private Property alignedKey(Object element) {
        return Objects.requireNonNull(keys.of(element), "key");
    }

    private static int capacity(int size) {
        return (int) Math.min(Integer.MAX_VALUE, size * 4L / 3 + 1);
    }

    private void reportUnpaired(Walk walk, int[] partner) {
        boolean[] paired = new boolean[news.size()];
        for (int i = 0; i < partner.length; i++) {
            if (partner[i] >= 0) {
                paired[partner[i]] = true;
            } else {
                Object a = olds.get(i);
                childByKey(a, alignedKey(a));
                walk.differ(this, true, a, Walk.ABSENT, masked);
                if (walk.full()) {
                    return;
                }
            }
        }
        for (int j = 0; j < paired.length; j++) {
            if (!paired[j]) {
                Object b = news.get(j);
                childByKey(b, alignedKey(b));
                walk.differ(this, true, Walk.ABSENT, b, masked);
                if (walk.full()) {
                    return;
                }
            }
        }
    }

    /**
     * Reports the first element, in the old order, that the new side has elsewhere among the elements both sides
     * have, naming on each side the element it follows. One report per list: every later element out of place
     * follows from the first, and a reversed list of a thousand rows needs one line, not a thousand.
     */
    private void reportOrder(Walk walk, int[] partner) {
        int common = 0;
        for (int j : partner) {
            if (j >= 0) {
                common++;
            }
        }
        // The shared elements in the old order: their old indexes, and their partners' new indexes.
        int[] oldIndexes = new int[common];
        int[] inOldOrder = new int[common];
        int k = 0;
        for (int i = 0; i < partner.length; i++) {
            if (partner[i] >= 0) {
                oldIndexes[k] = i;
                inOldOrder[k++] = partner[i];
            }
        }
        int[] inNewOrder = inOldOrder.clone();
        Arrays.sort(inNewOrder);
        int first = 0;
        while (first < common && inOldOrder[first] == inNewOrder[first]) {
            first++;
        }
        if (first == common) {
            return;
        }
        // The moved element stands later in the new order than where the old order has it, so it follows
        // another shared element there.
        int newPosition = Arrays.binarySearch(inNewOrder, inOldOrder[first]);
        Object oldPredecessor = first > 0 ? olds.get(oldIndexes[first - 1]) : before;
        Object newPredecessor = news.get(inNewOrder[newPosition - 1]);
        Object moved = olds.get(oldIndexes[first]);
        childByKey(moved, alignedKey(moved));
        String oldPlace = oldPredecessor == null
                ? "first"
                : "after " + walk.keySegment(oldPredecessor, alignedKey(oldPredecessor), masked);
        String newPlace = "after " + walk.keySegment(newPredecessor, alignedKey(newPredecessor), masked);
        walk.differText(this, true, oldPlace, newPlace, masked);
    }
}

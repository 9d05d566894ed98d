package io.dualrepo.internal.compare;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A list (or object array) whose order counts: by key when its elements have identities, else by position.
 *
 * <p>Both sides are walked in step for as long as the elements at the same position have the same key, which
 * is every element of two equal lists: they are compared without a hash table or a copy, and the walk names
 * each element by its key ({@code [id=7]}). At the first position where the keys part (a row missing, one
 * added, two swapped, a side ending early), what is left of both sides goes to a {@link KeyedFrame}, which aligns
 * it by key. Lists whose first element has no identity (strings, numbers, classes without an id) are compared by
 * position throughout, as before there were keys.
 */
final class ListFrame extends Frame {

    private static final byte UNDECIDED = 0;
    private static final byte BY_KEY = 1;
    private static final byte BY_POSITION = 2;
    private static final byte HANDED_OFF = 3;

    private final Iterator<?> olds;
    private final Iterator<?> news;
    private final StructuralComparator comparator;
    // Made for the first element that could have an identity: a list of strings never needs one.
    private @Nullable ElementKeys keys;
    private byte mode = UNDECIDED;
    private int index = -1;

    // The last element compared in step, which both sides have at the same place: what the first element out of
    // order follows.
    private @Nullable Object lastAligned;

    ListFrame(Frame parent, IgnoredFields.@Nullable Node ignored, boolean masked, Iterator<?> olds, Iterator<?> news,
            StructuralComparator comparator) {
        super(parent, ignored, masked);
        this.olds = olds;
        this.news = news;
        this.comparator = comparator;
    }

    @Override
    boolean advance(Walk walk) {
        if (mode == HANDED_OFF) {
            return false;
        }
        while (true) {
            boolean hasOld = olds.hasNext();
            boolean hasNew = news.hasNext();
            if (!hasOld && !hasNew) {
                return false;
            }
            Object a = hasOld ? olds.next() : Walk.ABSENT;
            Object b = hasNew ? news.next() : Walk.ABSENT;
            index++;
            Property keyA = null;
            Property keyB = null;
            if (mode == UNDECIDED) {
                mode = mayHaveIdentity(a) || mayHaveIdentity(b) ? BY_KEY : BY_POSITION;
            }
            if (mode == BY_KEY) {
                keyA = hasOld ? keys().of(a) : null;
                keyB = hasNew ? keys().of(b) : null;
                if (index == 0 && keyA == null && keyB == null) {
                    mode = BY_POSITION;
                }
            }
            if (mode == BY_POSITION) {
                childKind = INDEX;
                childIndex = index;
                if (hasOld && hasNew) {
                    walk.compare(this, a, b, ignored, masked);
                } else {
                    walk.differ(this, true, a, b, masked);
                }
            } else if (keyA != null && keyB != null && ElementKeys.sameKey(keyA, a, keyB, b)) {
                childByKey(a, keyA);
                walk.compare(this, a, b, ignored, masked);
                lastAligned = a;
            } else {
                handOff(walk, a, b);
                return true;
            }
            if (walk.yielded(this)) {
                return true;
            }
        }
    }

    private ElementKeys keys() {
        if (keys == null) {
            keys = new ElementKeys(comparator, ignored);
        }
        return keys;
    }

    /** Whether the element is a record or bean, which an identity or {@code @Compare(key)} may identify. */
    private static boolean mayHaveIdentity(@Nullable Object element) {
        return element != null && element != Walk.ABSENT && TypeInfo.of(element.getClass()).properties.length > 0;
    }

    /** Passes the rest of both sides, from the elements just taken, to a frame that aligns them by key. */
    private void handOff(Walk walk, @Nullable Object a, @Nullable Object b) {
        List<Object> oldRest = rest(a, olds);
        List<Object> newRest = rest(b, news);
        mode = HANDED_OFF;
        // The keyed frame stands in for this one: it adds nothing to the path.
        childKind = NONE;
        walk.push(new KeyedFrame(this, ignored, masked, keys(), oldRest, newRest, true, index, lastAligned));
    }

    private static List<Object> rest(@Nullable Object first, Iterator<?> remaining) {
        List<Object> rest = new ArrayList<>();
        if (first != Walk.ABSENT) {
            rest.add(first);
        }
        remaining.forEachRemaining(rest::add);
        return rest;
    }
}

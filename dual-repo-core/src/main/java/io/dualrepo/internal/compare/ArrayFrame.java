package io.dualrepo.internal.compare;

import java.lang.reflect.Array;
import org.jspecify.annotations.Nullable;

/** An array compared by position; object arrays without reflection. */
final class ArrayFrame extends Frame {

    private final Object olds;
    private final Object news;
    private final Object @Nullable [] oldObjects;
    private final Object @Nullable [] newObjects;
    private final int oldLength;
    private final int newLength;

    ArrayFrame(Frame parent, IgnoredFields.@Nullable Node ignored, boolean masked, Object olds, Object news,
            int oldLength, int newLength) {
        super(parent, ignored, masked);
        this.olds = olds;
        this.news = news;
        this.oldObjects = olds instanceof Object[] objects ? objects : null;
        this.newObjects = news instanceof Object[] objects ? objects : null;
        this.oldLength = oldLength;
        this.newLength = newLength;
        this.childKind = INDEX;
        this.childIndex = -1;
    }

    @Override
    boolean advance(Walk walk) {
        int length = Math.max(oldLength, newLength);
        while (childIndex + 1 < length) {
            int i = ++childIndex;
            Object a = i < oldLength ? (oldObjects != null ? oldObjects[i] : Array.get(olds, i)) : Walk.ABSENT;
            Object b = i < newLength ? (newObjects != null ? newObjects[i] : Array.get(news, i)) : Walk.ABSENT;
            if (a != Walk.ABSENT && b != Walk.ABSENT) {
                walk.compare(this, a, b, ignored, masked);
            } else {
                walk.differ(this, true, a, b, masked);
            }
            if (walk.yielded(this)) {
                return true;
            }
        }
        return false;
    }
}

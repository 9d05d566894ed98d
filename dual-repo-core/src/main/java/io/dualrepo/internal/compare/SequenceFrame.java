package io.dualrepo.internal.compare;

import java.util.Iterator;
import org.jspecify.annotations.Nullable;

/**
 * A collection compared by position: the elements of lists without identities, of every list under
 * {@code @Compare(positional = true)}, and what is left of a keyed list whose keys cannot align it.
 */
final class SequenceFrame extends Frame {

    private final Iterator<?> olds;
    private final Iterator<?> news;

    /** @param firstIndex the position of the iterators' first elements in the list, for the paths */
    SequenceFrame(Frame parent, IgnoredFields.@Nullable Node ignored, boolean masked, Iterator<?> olds,
            Iterator<?> news, int firstIndex) {
        super(parent, ignored, masked);
        this.olds = olds;
        this.news = news;
        this.childKind = INDEX;
        this.childIndex = firstIndex - 1;
    }

    @Override
    boolean advance(Walk walk) {
        while (true) {
            boolean hasOld = olds.hasNext();
            boolean hasNew = news.hasNext();
            if (!hasOld && !hasNew) {
                return false;
            }
            childIndex++;
            if (hasOld && hasNew) {
                walk.compare(this, olds.next(), news.next(), ignored, masked);
            } else {
                walk.differ(this, true, hasOld ? olds.next() : Walk.ABSENT, hasNew ? news.next() : Walk.ABSENT, masked);
            }
            if (walk.yielded(this)) {
                return true;
            }
        }
    }
}

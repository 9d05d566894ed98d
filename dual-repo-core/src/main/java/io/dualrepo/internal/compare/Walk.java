package io.dualrepo.internal.compare;

import io.dualrepo.compare.Difference;
import io.dualrepo.internal.compare.TypeInfo.Kind;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One comparison: the state of a single {@link StructuralComparator#diff} call, never shared between threads.
 *
 * <p>The walk is depth-first over an explicit stack of {@link Frame}s, one per record, bean, collection, map or
 * array being compared; leaves are compared on the spot without a frame. Each frame hands out its children one at
 * a time, so memory grows with the depth of the values, not their size, and differences come out in the order a
 * reader would find them. This class chooses the frame for a pair of values, and reports differences with the
 * path their frames spell out; the frames decide what to compare: {@link PropertiesFrame} for records and beans,
 * {@link ListFrame} and {@link KeyedFrame} for lists and multisets of elements with identities,
 * {@link SequenceFrame} and {@link ArrayFrame} by position, {@link UnorderedFrame} for other multisets and
 * {@link MapFrame} for maps.
 */
final class Walk {

    /** Stands for the missing side of an element or map entry present on one side only. */
    static final Object ABSENT = new Object();

    // Pairing unordered leftovers runs a nested walk per candidate pair, on the Java stack. Past this many
    // nested levels of such pairing, equals() decides, so that no data shape can overflow the stack.
    private static final int MAX_PAIRING_NESTING = 32;

    // A difference 100,000 levels down would otherwise carry a path of several hundred kilobytes into the logs.
    private static final int PATH_HEAD = 16;
    private static final int PATH_TAIL = 32;

    private final StructuralComparator comparator;
    private final int limit;
    private final boolean collect;
    private final int nesting;
    private final ArrayDeque<Frame> stack = new ArrayDeque<>();
    private final List<Difference> differences;
    private @Nullable Set<IdentityPair> visited;
    private int found;

    // Reused across the many pairing probes of a walk; a probe's own probes use its own, one level down.
    private @Nullable Walk probe;

    /**
     * @param limit stop after this many differences
     * @param collect whether to build {@link Difference}s, or only count them (pairing probes)
     * @param nesting how many walks this one is nested in
     */
    Walk(StructuralComparator comparator, int limit, boolean collect, int nesting) {
        this.comparator = comparator;
        this.limit = limit;
        this.collect = collect;
        this.nesting = nesting;
        this.differences = collect ? new ArrayList<>() : List.of();
    }

    void run(@Nullable Object oldValue, @Nullable Object newValue, IgnoredFields.@Nullable Node ignored) {
        Frame root = new Frame.Root(ignored);
        compare(root, oldValue, newValue, ignored, false);
        while (!stack.isEmpty() && !full()) {
            Frame top = stack.peek();
            if (!top.advance(this)) {
                stack.pop();
            }
        }
    }

    List<Difference> differences() {
        return differences;
    }

    boolean foundAny() {
        return found > 0;
    }

    /**
     * Compares one pair of children of {@code parent} (at the parent's current child segment): leaves on the
     * spot, containers by pushing a frame.
     */
    void compare(Frame parent, @Nullable Object a, @Nullable Object b, IgnoredFields.@Nullable Node ignored,
            boolean masked) {
        while (a != b) {
            if (a == null || b == null) {
                differ(parent, true, a, b, masked);
                return;
            }
            TypeInfo ta = TypeInfo.of(a.getClass());
            TypeInfo tb = a.getClass() == b.getClass() ? ta : TypeInfo.of(b.getClass());
            if (ta.kind == Kind.OPTIONAL && tb.kind == Kind.OPTIONAL) {
                Optional<?> oa = (Optional<?>) a;
                Optional<?> ob = (Optional<?>) b;
                if (oa.isPresent() != ob.isPresent()) {
                    differ(parent, true, a, b, masked);
                    return;
                }
                if (oa.isEmpty()) {
                    return;
                }
                a = oa.get();
                b = ob.get();
                continue;
            }
            if (!compatible(ta, tb, a, b)) {
                differentTypes(parent, a, b, masked);
                return;
            }
            switch (ta.kind) {
                case LEAF, OPAQUE -> {
                    if (!a.equals(b)) {
                        differ(parent, true, a, b, masked);
                    }
                }
                // Same enum, not the same constant.
                case ENUM -> differ(parent, true, a, b, masked);
                case BIG_DECIMAL -> {
                    if (((BigDecimal) a).compareTo((BigDecimal) b) != 0) {
                        differ(parent, true, a, b, masked);
                    }
                }
                case URL -> {
                    if (!a.toString().equals(b.toString())) {
                        differ(parent, true, a, b, masked);
                    }
                }
                case RECORD, BEAN -> {
                    if (!ta.tracked || firstVisit(a, b)) {
                        stack.push(new PropertiesFrame(parent, ignored, masked, ta.properties, a, b));
                    }
                }
                case COLLECTION, SET -> {
                    if (firstVisit(a, b)) {
                        Collection<?> ca = (Collection<?>) a;
                        Collection<?> cb = (Collection<?>) b;
                        boolean unordered = ta.kind == Kind.SET || tb.kind == Kind.SET || comparator.unordered();
                        Frame frame;
                        if (unordered) {
                            frame = multiset(parent, ignored, masked, elements(ca), elements(cb));
                        } else if (comparator.positional()) {
                            frame = new SequenceFrame(parent, ignored, masked, ca.iterator(), cb.iterator(), 0);
                        } else {
                            frame = new ListFrame(parent, ignored, masked, ca.iterator(), cb.iterator(), comparator);
                        }
                        push(frame, ca.size(), cb.size());
                    }
                }
                case MAP -> {
                    if (firstVisit(a, b)) {
                        stack.push(new MapFrame(parent, ignored, masked, (Map<?, ?>) a, (Map<?, ?>) b));
                    }
                }
                case OBJECT_ARRAY, PRIMITIVE_ARRAY -> {
                    // The common case, equal primitive arrays, is settled without boxing a single element.
                    if (ta.kind == Kind.PRIMITIVE_ARRAY && primitiveArraysEqual(a, b)) {
                        return;
                    }
                    if (!ta.tracked || firstVisit(a, b)) {
                        int la = Array.getLength(a);
                        int lb = Array.getLength(b);
                        Frame frame;
                        if (comparator.unordered()) {
                            frame = multiset(parent, ignored, masked, arrayElements(a), arrayElements(b));
                        } else if (ta.kind == Kind.OBJECT_ARRAY && !comparator.positional()) {
                            // An array of entities is aligned by key as a list of them is.
                            frame = new ListFrame(parent, ignored, masked, Arrays.asList((Object[]) a).iterator(),
                                    Arrays.asList((Object[]) b).iterator(), comparator);
                        } else {
                            frame = new ArrayFrame(parent, ignored, masked, a, b, la, lb);
                        }
                        push(frame, la, lb);
                    }
                }
                default -> throw new IllegalStateException("unexpected kind " + ta.kind);
            }
            return;
        }
    }

    /**
     * Whether two values of different classes can still be compared: two repositories rarely return the same
     * collection implementation, and an enum constant with a body has a class of its own.
     */
    private static boolean compatible(TypeInfo ta, TypeInfo tb, Object a, Object b) {
        if (ta == tb) {
            return true;
        }
        if (ta.isCollection() && tb.isCollection()) {
            return true;
        }
        if (ta.kind != tb.kind) {
            return false;
        }
        return switch (ta.kind) {
            case MAP, OBJECT_ARRAY -> true;
            case ENUM -> ((Enum<?>) a).getDeclaringClass() == ((Enum<?>) b).getDeclaringClass();
            default -> false;
        };
    }

    /**
     * A collection compared as a multiset: by key when its elements have identities (as its first element shows),
     * else by pairing equal and equivalent elements.
     */
    private Frame multiset(Frame parent, IgnoredFields.@Nullable Node ignored, boolean masked, List<?> olds,
            List<?> news) {
        Object first = !olds.isEmpty() ? olds.get(0) : !news.isEmpty() ? news.get(0) : null;
        if (first != null && TypeInfo.of(first.getClass()).properties.length > 0) {
            ElementKeys keys = new ElementKeys(comparator, ignored);
            if (keys.of(first) != null) {
                return new KeyedFrame(parent, ignored, masked, keys, olds, news, false, 0, null);
            }
        }
        return new UnorderedFrame(parent, ignored, masked, olds, news);
    }

    /**
     * Pushes a frame that stands in for the one on top, which has set its child segment to none first: the
     * sizes were reported when that one was pushed.
     */
    void push(Frame frame) {
        stack.push(frame);
    }

    private void push(Frame frame, int oldSize, int newSize) {
        stack.push(frame);
        if (oldSize != newSize) {
            differText(frame, false, "size=" + oldSize, "size=" + newSize, frame.masked);
        }
    }

    private boolean firstVisit(Object a, Object b) {
        if (visited == null) {
            visited = new HashSet<>();
        }
        return visited.add(new IdentityPair(a, b));
    }

    /** Whether the frame must hand control back: it pushed a child, or the walk has found enough. */
    boolean yielded(Frame frame) {
        return stack.peek() != frame || full();
    }

    boolean full() {
        return found >= limit;
    }

    StructuralComparator comparator() {
        return comparator;
    }

    /**
     * Whether two elements are equivalent, by a separate walk that stops at the first difference. It has its
     * own visited pairs: this is a question asked of a candidate pair, and its answer must not mark pairs as
     * compared in the walk that asked.
     */
    boolean equivalent(@Nullable Object a, @Nullable Object b, IgnoredFields.@Nullable Node ignored) {
        if (nesting >= MAX_PAIRING_NESTING) {
            return shallowEquals(a, b);
        }
        if (probe == null) {
            probe = new Walk(comparator, 1, false, nesting + 1);
        } else {
            probe.reset();
        }
        probe.run(a, b, ignored);
        return !probe.foundAny();
    }

    private void reset() {
        stack.clear();
        visited = null;
        found = 0;
    }

    private static boolean shallowEquals(@Nullable Object a, @Nullable Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null || a.getClass() != b.getClass()) {
            return false;
        }
        return switch (TypeInfo.of(a.getClass()).kind) {
            case BIG_DECIMAL -> ((BigDecimal) a).compareTo((BigDecimal) b) == 0;
            case URL -> a.toString().equals(b.toString());
            default -> a.equals(b);
        };
    }

    // ---- reporting

    /** A difference at the frame ({@code child} false) or at its current child. */
    void differ(Frame frame, boolean child, @Nullable Object a, @Nullable Object b, boolean masked) {
        if (full()) {
            return;
        }
        found++;
        if (!collect) {
            return;
        }
        if (masked) {
            differences.add(new Difference(path(frame, child), ValueRenderer.MASK, ValueRenderer.MASK));
        } else {
            differences.add(new Difference(path(frame, child), render(a), render(b)));
        }
    }

    void differText(Frame frame, boolean child, String a, String b, boolean masked) {
        if (full()) {
            return;
        }
        found++;
        if (collect) {
            differences.add(masked
                    ? new Difference(path(frame, child), ValueRenderer.MASK, ValueRenderer.MASK)
                    : new Difference(path(frame, child), a, b));
        }
    }

    /** An Integer against a Long renders the same on both sides, so the classes are named when they do. */
    private void differentTypes(Frame parent, Object a, Object b, boolean masked) {
        if (full() || masked || !collect) {
            differ(parent, true, a, b, masked);
            return;
        }
        String ra = render(a);
        String rb = render(b);
        if (ra.equals(rb)) {
            String na = a.getClass().getSimpleName();
            String nb = b.getClass().getSimpleName();
            if (na.equals(nb)) {
                na = a.getClass().getName();
                nb = b.getClass().getName();
            }
            ra += " (" + na + ")";
            rb += " (" + nb + ")";
        }
        differText(parent, true, ra, rb, false);
    }

    private String render(@Nullable Object value) {
        return value == ABSENT ? ValueRenderer.ABSENT : comparator.renderer().render(value);
    }

    private String path(Frame frame, boolean child) {
        int depth = 0;
        for (Frame f = frame; f.parent != null; f = f.parent) {
            depth++;
        }
        Frame[] chain = new Frame[depth];
        int i = depth;
        for (Frame f = frame; f.parent != null; f = f.parent) {
            chain[--i] = f;
        }
        int segments = depth + (child ? 1 : 0);
        StringBuilder path = new StringBuilder("$");
        for (int s = 0; s < segments; s++) {
            if (s == PATH_HEAD && segments > PATH_HEAD + PATH_TAIL + 1) {
                int skipped = segments - PATH_HEAD - PATH_TAIL;
                path.append("…(").append(skipped).append(" more)…");
                s += skipped - 1;
            } else if (s < depth) {
                Frame f = chain[s];
                // The chain holds only frames below the root, each with a parent.
                boolean inMasked = Objects.requireNonNull(f.parent, "parent").masked;
                appendSegment(path, f.segKind, f.segIndex, f.segRef, f.segKey, inMasked);
            } else {
                appendSegment(path, frame.childKind, frame.childIndex, frame.childRef, frame.childKey, frame.masked);
            }
        }
        return path.toString();
    }

    /** @param masked whether the segment is inside a sensitive field */
    private void appendSegment(StringBuilder path, byte kind, int index, @Nullable Object ref, @Nullable Property key,
            boolean masked) {
        switch (kind) {
            case Frame.FIELD -> path.append('.').append((String) ref);
            case Frame.INDEX -> path.append('[').append(index).append(']');
            case Frame.KEY -> path.append('[').append(comparator.renderer().render(ref)).append(']');
            case Frame.MASKED_KEY -> path.append('[').append(ValueRenderer.MASK).append(']');
            case Frame.UNPLACED -> path.append("[?]");
            // Frame.childByKey sets both the element and its key property.
            case Frame.ELEMENT_KEY -> path.append(keySegment(Objects.requireNonNull(ref, "element"),
                    Objects.requireNonNull(key, "key"), masked));
            default -> {
                // NONE: the result itself, an Optional's content, or a frame standing in for its parent
            }
        }
    }

    /**
     * {@code [id=7]}: an element named by its key, read from it now. The key is masked inside a sensitive field
     * and when the key property is itself sensitive: an e-mail address identifying a row says as much as the
     * row's e-mail field.
     */
    String keySegment(Object element, Property key, boolean masked) {
        boolean maskKey = masked || key.sensitive || comparator.sensitiveName(key.name);
        return "[" + key.name + "=" + (maskKey ? ValueRenderer.MASK : comparator.renderer().render(key.read(element)))
                + "]";
    }

    // ---- element access

    private static List<?> elements(Collection<?> collection) {
        return collection instanceof List<?> list ? list : new ArrayList<>(collection);
    }

    private static List<?> arrayElements(Object array) {
        if (array instanceof Object[] objects) {
            return Arrays.asList(objects);
        }
        int length = Array.getLength(array);
        List<Object> boxed = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            boxed.add(Array.get(array, i));
        }
        return boxed;
    }

    /** Same class on both sides, checked by the caller. */
    private static boolean primitiveArraysEqual(Object a, Object b) {
        if (a instanceof int[] x) {
            return Arrays.equals(x, (int[]) b);
        } else if (a instanceof long[] x) {
            return Arrays.equals(x, (long[]) b);
        } else if (a instanceof byte[] x) {
            return Arrays.equals(x, (byte[]) b);
        } else if (a instanceof double[] x) {
            return Arrays.equals(x, (double[]) b);
        } else if (a instanceof char[] x) {
            return Arrays.equals(x, (char[]) b);
        } else if (a instanceof boolean[] x) {
            return Arrays.equals(x, (boolean[]) b);
        } else if (a instanceof float[] x) {
            return Arrays.equals(x, (float[]) b);
        } else if (a instanceof short[] x) {
            return Arrays.equals(x, (short[]) b);
        }
        throw new IllegalArgumentException("not a primitive array: " + a.getClass());
    }

    /** Identity of a compared pair: equal objects at different places are still different pairs. */
    private static final class IdentityPair {
        private final Object a;
        private final Object b;
        private final int hash;

        IdentityPair(Object a, Object b) {
            this.a = a;
            this.b = b;
            this.hash = 31 * System.identityHashCode(a) + System.identityHashCode(b);
        }

        @Override
        public boolean equals(@Nullable Object other) {
            return other instanceof IdentityPair pair && pair.a == a && pair.b == b;
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}

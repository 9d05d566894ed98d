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
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One comparison: the state of a single {@link StructuralComparator#diff} call, never shared between threads.
 *
 * <p>The walk is depth-first over an explicit stack of frames, one per record, bean, collection, map or array
 * being compared; leaves are compared on the spot without a frame. Each frame hands out its children one at a
 * time, so memory grows with the depth of the values, not their size, and differences come out in the order a
 * reader would find them. A frame is also the path to its children: it knows its parent and the segment
 * ({@code .field}, {@code [2]}, {@code [key]}) that led to it, and the path string is built only when a
 * difference is reported.
 */
final class Walk {

    /** Stands for the missing side of an element or map entry present on one side only. */
    private static final Object ABSENT = new Object();

    /**
     * The most candidate pairs of unordered elements compared field by field for one collection, beyond one
     * per element (about 1,000 against 1,000 when nothing tells them apart); past it, the collection is
     * reported as a whole instead of paying quadratic work.
     */
    private static final long MAX_PROBES = 1_000_000;

    // Pairing unordered leftovers runs a nested walk per candidate pair, on the Java stack. Past this many
    // nested levels of such pairing, equals() decides, so that no data shape can overflow the stack.
    private static final int MAX_PAIRING_NESTING = 32;

    // A difference 100,000 levels down would otherwise carry a path of several hundred kilobytes into the logs.
    private static final int PATH_HEAD = 16;
    private static final int PATH_TAIL = 32;

    private static final byte NONE = 0;
    private static final byte FIELD = 1;
    private static final byte INDEX = 2;
    private static final byte KEY = 3;
    private static final byte MASKED_KEY = 4;
    private static final byte UNPLACED = 5;

    private final StructuralComparator comparator;
    private final int limit;
    private final boolean collect;
    private final int nesting;
    private final ArrayDeque<Frame> stack = new ArrayDeque<>();
    private final List<Difference> differences;
    private Set<IdentityPair> visited;
    private int found;

    // Reused across the many pairing probes of a walk; a probe's own probes use its own, one level down.
    private Walk probe;

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

    void run(Object oldValue, Object newValue, IgnoredFields.Node ignored) {
        Frame root = new RootFrame(ignored);
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
    void compare(Frame parent, Object a, Object b, IgnoredFields.Node ignored, boolean masked) {
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
                        push(
                                unordered
                                        ? new UnorderedFrame(parent, ignored, masked, elements(ca), elements(cb))
                                        : new SequenceFrame(parent, ignored, masked, ca.iterator(), cb.iterator()),
                                ca.size(),
                                cb.size());
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
                        push(
                                comparator.unordered()
                                        ? new UnorderedFrame(parent, ignored, masked, arrayElements(a), arrayElements(b))
                                        : new ArrayFrame(parent, ignored, masked, a, b, la, lb),
                                la,
                                lb);
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
    boolean equivalent(Object a, Object b, IgnoredFields.Node ignored) {
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

    private static boolean shallowEquals(Object a, Object b) {
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

    /**
     * A hash that equivalent values share: JDK leaves by their own hashCode(), BigDecimal without trailing
     * zeros, records and beans by class and their leaf-valued, non-ignored properties. Nested containers count
     * by size or class only, which keeps it cheap and never recursive; collisions just cost probes.
     */
    int shallowHash(Object value, IgnoredFields.Node ignored) {
        value = unwrap(value);
        if (value == null) {
            return 0;
        }
        TypeInfo type = TypeInfo.of(value.getClass());
        if (type.kind != Kind.RECORD && type.kind != Kind.BEAN) {
            return leafHash(value, type);
        }
        int hash = value.getClass().hashCode();
        for (Property property : type.properties) {
            if (comparator.ignoredAnywhere(property.name)) {
                continue;
            }
            IgnoredFields.Node child = ignored == null ? null : ignored.child(property.name);
            if (child != null && child.ignored()) {
                continue;
            }
            Object field = unwrap(property.read(value));
            hash = 31 * hash + (field == null ? 0 : leafHash(field, TypeInfo.of(field.getClass())));
        }
        return hash;
    }

    private static Object unwrap(Object value) {
        while (value instanceof Optional<?> optional) {
            if (optional.isEmpty()) {
                return null;
            }
            value = optional.get();
        }
        return value;
    }

    private static int leafHash(Object value, TypeInfo type) {
        return switch (type.kind) {
            case LEAF, ENUM -> value.hashCode();
            case BIG_DECIMAL -> ((BigDecimal) value).stripTrailingZeros().hashCode();
            case URL -> value.toString().hashCode();
            // Different collection classes compare equal; a multiset or a list of another size never does.
            case COLLECTION, SET -> 31 + ((Collection<?>) value).size();
            case OBJECT_ARRAY -> 37 + Array.getLength(value);
            case PRIMITIVE_ARRAY -> 31 * value.getClass().hashCode() + Array.getLength(value);
            // Maps of different classes and, through keys with an odd equals(), of different sizes may match.
            case MAP, OPTIONAL -> 43;
            // Equivalent only to the same class; an opaque object's own hashCode() is user code that may throw.
            case RECORD, BEAN, OPAQUE -> value.getClass().hashCode();
        };
    }

    // ---- reporting

    /** A difference at the frame ({@code child} false) or at its current child. */
    void differ(Frame frame, boolean child, Object a, Object b, boolean masked) {
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

    private String render(Object value) {
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
                appendSegment(path, chain[s].segKind, chain[s].segIndex, chain[s].segRef);
            } else {
                appendSegment(path, frame.childKind, frame.childIndex, frame.childRef);
            }
        }
        return path.toString();
    }

    private void appendSegment(StringBuilder path, byte kind, int index, Object ref) {
        switch (kind) {
            case FIELD -> path.append('.').append((String) ref);
            case INDEX -> path.append('[').append(index).append(']');
            case KEY -> path.append('[').append(comparator.renderer().render(ref)).append(']');
            case MASKED_KEY -> path.append('[').append(ValueRenderer.MASK).append(']');
            case UNPLACED -> path.append("[?]");
            default -> {
                // NONE: the result itself, or an Optional's content
            }
        }
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

    // ---- frames

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
        public boolean equals(Object other) {
            return other instanceof IdentityPair pair && pair.a == a && pair.b == b;
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    abstract static class Frame {
        final Frame parent;
        final byte segKind;
        final int segIndex;
        final Object segRef;
        final IgnoredFields.Node ignored;
        final boolean masked;

        // The segment of the child being compared; a child frame copies it as its own segment.
        byte childKind;
        int childIndex;
        Object childRef;

        /**
         * @param ignored where this frame stands among the dotted ignored paths, or null
         * @param masked whether this frame is inside a sensitive field
         */
        Frame(Frame parent, IgnoredFields.Node ignored, boolean masked) {
            this.parent = parent;
            this.ignored = ignored;
            this.masked = masked;
            if (parent == null) {
                segKind = NONE;
                segIndex = 0;
                segRef = null;
            } else {
                segKind = parent.childKind;
                segIndex = parent.childIndex;
                segRef = parent.childRef;
            }
        }

        /**
         * Compares children until one needs a frame of its own (pushed above this one) or the walk has found
         * enough, returning true, or until there are none left, returning false.
         */
        abstract boolean advance(Walk walk);
    }

    /** The parent of the result itself, whose path is {@code $}. Never on the stack. */
    private static final class RootFrame extends Frame {
        RootFrame(IgnoredFields.Node ignored) {
            super(null, ignored, false);
        }

        @Override
        boolean advance(Walk walk) {
            return false;
        }
    }

    private static final class PropertiesFrame extends Frame {
        private final Property[] properties;
        private final Object a;
        private final Object b;
        private int next;

        PropertiesFrame(Frame parent, IgnoredFields.Node ignored, boolean masked, Property[] properties, Object a,
                Object b) {
            super(parent, ignored, masked);
            this.properties = properties;
            this.a = a;
            this.b = b;
            this.childKind = FIELD;
        }

        @Override
        boolean advance(Walk walk) {
            StructuralComparator comparator = walk.comparator();
            while (next < properties.length) {
                Property property = properties[next++];
                String name = property.name;
                if (comparator.ignoredAnywhere(name)) {
                    continue;
                }
                IgnoredFields.Node child = ignored == null ? null : ignored.child(name);
                if (child != null && child.ignored()) {
                    continue;
                }
                boolean childMasked = masked || property.sensitive || comparator.sensitiveName(name);
                childRef = name;
                if (property.isPrimitive()) {
                    if (!property.primitiveEquals(a, b)) {
                        walk.differ(this, true, property.read(a), property.read(b), childMasked);
                    }
                } else {
                    walk.compare(this, property.read(a), property.read(b), child, childMasked);
                }
                if (walk.yielded(this)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A collection compared in order. */
    private static final class SequenceFrame extends Frame {
        private final Iterator<?> olds;
        private final Iterator<?> news;

        SequenceFrame(Frame parent, IgnoredFields.Node ignored, boolean masked, Iterator<?> olds, Iterator<?> news) {
            super(parent, ignored, masked);
            this.olds = olds;
            this.news = news;
            this.childKind = INDEX;
            this.childIndex = -1;
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
                    walk.differ(this, true, hasOld ? olds.next() : ABSENT, hasNew ? news.next() : ABSENT, masked);
                }
                if (walk.yielded(this)) {
                    return true;
                }
            }
        }
    }

    /** An array compared in order; object arrays without reflection. */
    private static final class ArrayFrame extends Frame {
        private final Object olds;
        private final Object news;
        private final Object[] oldObjects;
        private final Object[] newObjects;
        private final int oldLength;
        private final int newLength;

        ArrayFrame(Frame parent, IgnoredFields.Node ignored, boolean masked, Object olds, Object news, int oldLength,
                int newLength) {
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
                Object a = i < oldLength ? (oldObjects != null ? oldObjects[i] : Array.get(olds, i)) : ABSENT;
                Object b = i < newLength ? (newObjects != null ? newObjects[i] : Array.get(news, i)) : ABSENT;
                if (a != ABSENT && b != ABSENT) {
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

    private static final class MapFrame extends Frame {
        private final Map<?, ?> olds;
        private final Map<?, ?> news;
        private final Iterator<? extends Map.Entry<?, ?>> oldEntries;
        private Iterator<? extends Map.Entry<?, ?>> newEntries;

        MapFrame(Frame parent, IgnoredFields.Node ignored, boolean masked, Map<?, ?> olds, Map<?, ?> news) {
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
                    walk.differ(this, true, entry.getValue(), ABSENT, masked);
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
                    walk.differ(this, true, ABSENT, entry.getValue(), masked);
                    if (walk.full()) {
                        return true;
                    }
                }
            }
            return false;
        }

        // Sorted and immutable maps throw for keys they could never hold (a Long in a TreeMap of Integers,
        // null in Map.of): such a key is simply absent.
        private static boolean containsKey(Map<?, ?> map, Object key) {
            try {
                return map.containsKey(key);
            } catch (ClassCastException | NullPointerException e) {
                return false;
            }
        }
    }

    /**
     * A collection compared as a multiset. Elements are first paired by equals() through a hash table, which is
     * linear; paired elements that are not leaves are still compared field by field, since a class's equals()
     * may look at its id alone. What equals() leaves unpaired is then paired by structural equivalence, within
     * {@link #MAX_PROBES} candidate pairs. Elements still unpaired are reported at {@code [?]}: there is no
     * position to name.
     */
    private static final class UnorderedFrame extends Frame {
        private static final Object NULL = new Object();
        private static final Object NO_MATCH = new Object();

        private final List<?> olds;
        private final List<?> news;
        private List<Object> pairedOld;
        private List<Object> pairedNew;
        private int next;

        UnorderedFrame(Frame parent, IgnoredFields.Node ignored, boolean masked, List<?> olds, List<?> news) {
            super(parent, ignored, masked);
            this.olds = olds;
            this.news = news;
            this.childKind = UNPLACED;
        }

        @Override
        boolean advance(Walk walk) {
            if (pairedOld == null) {
                pair(walk);
                if (walk.full()) {
                    return true;
                }
            }
            while (next < pairedOld.size()) {
                int i = next++;
                walk.compare(this, pairedOld.get(i), pairedNew.get(i), ignored, masked);
                if (walk.yielded(this)) {
                    return true;
                }
            }
            return false;
        }

        private void pair(Walk walk) {
            pairedOld = new ArrayList<>();
            pairedNew = new ArrayList<>();
            List<Object> leftOld = new ArrayList<>();
            List<Object> leftNew = new ArrayList<>();
            // Linked, so that leftovers are reported in the old collection's order.
            Map<Object, ArrayDeque<Object>> byValue = new LinkedHashMap<>();
            for (Object a : olds) {
                if (!offer(byValue, a)) {
                    leftOld.add(a);
                }
            }
            for (Object b : news) {
                Object a = take(byValue, b);
                if (a == NO_MATCH) {
                    leftNew.add(b);
                } else if (a != b
                        && (a == null || b == null || a.getClass() != b.getClass()
                                || !TypeInfo.of(a.getClass()).isLeaf())) {
                    pairedOld.add(a);
                    pairedNew.add(b);
                }
            }
            for (ArrayDeque<Object> rest : byValue.values()) {
                for (Object a : rest) {
                    leftOld.add(a == NULL ? null : a);
                }
            }
            if (leftOld.isEmpty() && leftNew.isEmpty()) {
                return;
            }
            // Only candidates with the same shallow hash can be equivalent, so the field-by-field probes stay
            // within buckets: linear when the leftovers are rows differing only in BigDecimal scale or an
            // ignored field, quadratic only when the hash cannot tell the elements apart.
            int[] oldHashes = new int[leftOld.size()];
            for (int i = 0; i < oldHashes.length; i++) {
                oldHashes[i] = walk.shallowHash(leftOld.get(i), ignored);
            }
            // Each entry is a new leftover's hash (high half) and index (low half); sorted, every bucket is a
            // run, found by binary search, without boxing a million indexes.
            long[] newByHash = new long[leftNew.size()];
            for (int j = 0; j < newByHash.length; j++) {
                newByHash[j] = ((long) walk.shallowHash(leftNew.get(j), ignored) << 32) | j;
            }
            Arrays.sort(newByHash);
            long probes = 0;
            for (int hash : oldHashes) {
                probes += bucketEnd(newByHash, hash) - bucketStart(newByHash, hash);
            }
            if (probes - oldHashes.length > MAX_PROBES) {
                walk.differText(this, false,
                        "unmatched=" + leftOld.size() + " (too many to pair field by field)",
                        "unmatched=" + leftNew.size() + " (too many to pair field by field)",
                        masked);
                return;
            }
            boolean[] used = new boolean[leftNew.size()];
            for (int i = 0; i < oldHashes.length; i++) {
                Object a = leftOld.get(i);
                boolean matched = false;
                int end = bucketEnd(newByHash, oldHashes[i]);
                for (int k = bucketStart(newByHash, oldHashes[i]); k < end && !matched; k++) {
                    int j = (int) newByHash[k];
                    if (!used[j] && walk.equivalent(a, leftNew.get(j), ignored)) {
                        used[j] = true;
                        matched = true;
                    }
                }
                if (!matched) {
                    walk.differ(this, true, a, ABSENT, masked);
                    if (walk.full()) {
                        return;
                    }
                }
            }
            for (int j = 0; j < used.length; j++) {
                if (!used[j]) {
                    walk.differ(this, true, ABSENT, leftNew.get(j), masked);
                    if (walk.full()) {
                        return;
                    }
                }
            }
        }

        private static int bucketStart(long[] sorted, int hash) {
            return lowerBound(sorted, (long) hash << 32);
        }

        private static int bucketEnd(long[] sorted, int hash) {
            return hash == Integer.MAX_VALUE ? sorted.length : lowerBound(sorted, (long) (hash + 1) << 32);
        }

        private static int lowerBound(long[] sorted, long key) {
            int low = 0;
            int high = sorted.length;
            while (low < high) {
                int mid = (low + high) >>> 1;
                if (sorted[mid] < key) {
                    low = mid + 1;
                } else {
                    high = mid;
                }
            }
            return low;
        }

        // equals() and hashCode() are the element's own code: over a cyclic graph they may recurse without end,
        // or simply throw. Either way the element cannot be paired cheaply and is left to the structural pass.
        private static boolean offer(Map<Object, ArrayDeque<Object>> byValue, Object a) {
            if (!hashable(a)) {
                return false;
            }
            Object key = a == null ? NULL : a;
            try {
                byValue.computeIfAbsent(key, k -> new ArrayDeque<>(1)).add(key);
                return true;
            } catch (RuntimeException | StackOverflowError e) {
                return false;
            }
        }

        private static Object take(Map<Object, ArrayDeque<Object>> byValue, Object b) {
            if (!hashable(b)) {
                return NO_MATCH;
            }
            try {
                ArrayDeque<Object> candidates = byValue.get(b == null ? NULL : b);
                if (candidates == null || candidates.isEmpty()) {
                    return NO_MATCH;
                }
                Object a = candidates.poll();
                return a == NULL ? null : a;
            } catch (RuntimeException | StackOverflowError e) {
                return NO_MATCH;
            }
        }

        // URL's hashCode() resolves the host; an array's is its identity, which pairs nothing.
        private static boolean hashable(Object value) {
            if (value == null) {
                return true;
            }
            TypeInfo type = TypeInfo.of(value.getClass());
            return type.kind != Kind.URL && !type.isArray();
        }
    }
}

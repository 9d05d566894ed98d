package io.dualrepo.internal.compare;

import io.dualrepo.internal.compare.TypeInfo.Kind;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A collection compared as a multiset. Elements are first paired by equals() through a hash table, which is
 * linear; paired elements that are not leaves are still compared field by field, since a class's equals()
 * may look at its id alone. What equals() leaves unpaired is then paired by structural equivalence, within
 * {@link #MAX_PROBES} candidate pairs. Elements still unpaired are reported at {@code [?]}: there is no
 * position to name.
 */
final class UnorderedFrame extends Frame {
    /**
     * The most candidate pairs of unordered elements compared field by field for one collection, beyond one
     * per element (about 1,000 against 1,000 when nothing tells them apart); past it, the collection is
     * reported as a whole instead of paying quadratic work.
     */
    private static final long MAX_PROBES = 1_000_000;

    private static final Object NULL = new Object();
    private static final Object NO_MATCH = new Object();

    private final List<?> olds;
    private final List<?> news;
    private final List<Object> pairedOld = new ArrayList<>();
    private final List<Object> pairedNew = new ArrayList<>();
    private boolean paired;
    private int next;

    UnorderedFrame(Frame parent, IgnoredFields.@Nullable Node ignored, boolean masked, List<?> olds, List<?> news) {
        super(parent, ignored, masked);
        this.olds = olds;
        this.news = news;
        this.childKind = UNPLACED;
    }

    @Override
    boolean advance(Walk walk) {
        if (!paired) {
            paired = true;
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
            oldHashes[i] = shallowHash(walk.comparator(), leftOld.get(i), ignored);
        }
        // Each entry is a new leftover's hash (high half) and index (low half); sorted, every bucket is a
        // run, found by binary search, without boxing a million indexes.
        long[] newByHash = new long[leftNew.size()];
        for (int j = 0; j < newByHash.length; j++) {
            newByHash[j] = ((long) shallowHash(walk.comparator(), leftNew.get(j), ignored) << 32) | j;
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
                walk.differ(this, true, a, Walk.ABSENT, masked);
                if (walk.full()) {
                    return;
                }
            }
        }
        for (int j = 0; j < used.length; j++) {
            if (!used[j]) {
                walk.differ(this, true, Walk.ABSENT, leftNew.get(j), masked);
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
    private static boolean offer(Map<Object, ArrayDeque<Object>> byValue, @Nullable Object a) {
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

    private static @Nullable Object take(Map<Object, ArrayDeque<Object>> byValue, @Nullable Object b) {
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
    private static boolean hashable(@Nullable Object value) {
        if (value == null) {
            return true;
        }
        TypeInfo type = TypeInfo.of(value.getClass());
        return type.kind != Kind.URL && !type.isArray();
    }

    /**
     * A hash that equivalent values share: JDK leaves by their own hashCode(), BigDecimal without trailing
     * zeros, records and beans by class and their leaf-valued, non-ignored properties. Nested containers count
     * by size or class only, which keeps it cheap and never recursive; collisions just cost probes.
     */
    private static int shallowHash(StructuralComparator comparator, @Nullable Object value,
            IgnoredFields.@Nullable Node ignored) {
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

    private static @Nullable Object unwrap(@Nullable Object value) {
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
}

package io.dualrepo.internal;

import io.dualrepo.ReadThrough;
import io.dualrepo.Side;
import io.dualrepo.internal.compare.ElementIdentity;
import io.dualrepo.internal.compare.StructuralComparator;
import io.dualrepo.metrics.CoreMeters;
import io.dualrepo.metrics.DualRepoMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How one {@code @ReadThrough(stitch = true)} read joins OLD's answer and NEW's: NEW's elements, then OLD's whose
 * key NEW's answer lacks and that OLD does not mark migrated, sorted by the read's {@code order} if it has one. The
 * reasons for each rule are in {@link ReadThrough}'s class comment.
 *
 * <p>Linear in the two answers: one hash set of NEW's keys, each element's key property found once per class. Its
 * meters are registered only for methods that stitch, so other methods add no series.
 */
final class Stitching {

    private static final Logger log = LoggerFactory.getLogger(Stitching.class);

    private final String repository;
    private final String method;
    private final StructuralComparator identities;
    private final @Nullable String marker;
    private final @Nullable Comparator<Object> order;
    private final boolean set;
    private final LogBudget logBudget;
    private final Counter stitched;
    private final Counter unkeyed;
    private final Counter unmarked;
    private final Counter fromOld;
    private final Counter fromNew;

    private Stitching(MeterRegistry registry, String repository, String method, StructuralComparator identities,
            @Nullable String marker, @Nullable Comparator<Object> order, boolean set, LogBudget logBudget) {
        this.repository = repository;
        this.method = method;
        this.identities = identities;
        this.marker = marker;
        this.order = order;
        this.set = set;
        this.logBudget = logBudget;
        Tags tags = Tags.of(DualRepoMetrics.TAG_REPOSITORY, repository, DualRepoMetrics.TAG_METHOD, method);
        this.stitched = stitches(registry, tags, "stitched");
        this.unkeyed = stitches(registry, tags, "unkeyed");
        this.unmarked = stitches(registry, tags, "unmarked");
        this.fromOld = elements(registry, tags, Side.OLD);
        this.fromNew = elements(registry, tags, Side.NEW);
    }

    /**
     * The stitching of a method, or null when it does not stitch.
     *
     * @param order the method's {@code order} comparator, or null
     * @throws IllegalStateException when the method's result is not a collection a stitched answer can be: the
     *     processor refuses such a method, so only a decorator written by hand gets here
     */
    static @Nullable Stitching of(MeterRegistry registry, String repository, String name, Method method,
            StructuralComparator comparator, @Nullable Comparator<Object> order, LogBudget logBudget) {
        ReadThrough readThrough = method.getAnnotation(ReadThrough.class);
        if (readThrough == null || !readThrough.stitch()) {
            return null;
        }
        Class<?> result = method.getReturnType();
        boolean set = result == Set.class;
        if (!set && result != List.class && result != Collection.class && result != Iterable.class) {
            throw new IllegalStateException("@ReadThrough(stitch = true) on " + method + " needs a List, Set,"
                    + " Collection or Iterable result");
        }
        String marker = readThrough.migratedWhen().isEmpty() ? null : readThrough.migratedWhen();
        return new Stitching(registry, repository, name, comparator, marker, order, set, logBudget);
    }

    private static Counter stitches(MeterRegistry registry, Tags tags, String outcome) {
        return Counter.builder(CoreMeters.READ_THROUGH_STITCHES.meterName())
                .description(CoreMeters.READ_THROUGH_STITCHES.description())
                .tags(tags)
                .tag(DualRepoMetrics.TAG_OUTCOME, outcome)
                .register(registry);
    }

    private static Counter elements(MeterRegistry registry, Tags tags, Side side) {
        return Counter.builder(CoreMeters.READ_THROUGH_STITCHED_ELEMENTS.meterName())
                .description(CoreMeters.READ_THROUGH_STITCHED_ELEMENTS.description())
                .tags(tags)
                .tag(DualRepoMetrics.TAG_SIDE, side.tag())
                .register(registry);
    }

    /** The stitched answer: of the read's own result type (a List, or a Set for a Set read). */
    Object stitch(Object oldAnswer, Object newAnswer) {
        List<?> olds = elements(oldAnswer);
        List<?> news = elements(newAnswer);
        // Each model's answer is already in the order it promises: returned as it is, it needs no identity.
        if (news.isEmpty() && marker == null) {
            return counted(oldAnswer != null ? oldAnswer : newAnswer, olds.size(), 0);
        }
        if (olds.isEmpty()) {
            return counted(newAnswer != null ? newAnswer : oldAnswer, 0, news.size());
        }
        ElementIdentity identity = new ElementIdentity(identities, marker);
        Set<Object> newKeys = new HashSet<>(Math.max(16, (int) (news.size() / 0.75f) + 1));
        for (Object element : news) {
            Object key = identity.keyOf(element);
            if (key == null) {
                return unkeyed(oldAnswer, element);
            }
            newKeys.add(key);
        }
        List<Object> answer = new ArrayList<>(news.size() + olds.size());
        answer.addAll(news);
        int taken = 0;
        for (Object element : olds) {
            Object key = identity.keyOf(element);
            if (key == null) {
                return unkeyed(oldAnswer, element);
            }
            if (newKeys.contains(key)) {
                continue;
            }
            if (marker != null) {
                Object migrated = identity.migrated(element);
                if (migrated == ElementIdentity.NO_MARKER) {
                    return unmarked(oldAnswer, element);
                }
                if (Boolean.TRUE.equals(migrated)) {
                    // NEW deleted it, or it no longer matches the query there.
                    continue;
                }
            }
            answer.add(element);
            taken++;
        }
        if (order != null) {
            answer.sort(order);
        }
        return counted(set ? new LinkedHashSet<>(answer) : answer, taken, news.size());
    }

    private static List<?> elements(Object answer) {
        if (answer == null) {
            return List.of();
        }
        if (answer instanceof List<?> list) {
            return list;
        }
        if (answer instanceof Collection<?> collection) {
            return new ArrayList<>(collection);
        }
        List<Object> elements = new ArrayList<>();
        for (Object element : (Iterable<?>) answer) {
            elements.add(element);
        }
        return elements;
    }

    private Object counted(Object answer, int olds, int news) {
        stitched.increment();
        fromOld.increment(olds);
        fromNew.increment(news);
        return answer;
    }

    private Object unkeyed(Object oldAnswer, Object element) {
        unkeyed.increment();
        if (logBudget.tryTake(System.nanoTime()) >= 0) {
            // The class only: a key's value is data.
            log.warn("{}.{}: a stitched read-through read met {} without a usable identity (an @Id or id property"
                    + " holding a plain value, or @Compare(key)); OLD's answer was the answer", repository, method,
                    element == null ? "a null element" : "an element of class " + element.getClass().getName());
        }
        return oldAnswer;
    }

    private Object unmarked(Object oldAnswer, Object element) {
        unmarked.increment();
        if (logBudget.tryTake(System.nanoTime()) >= 0) {
            log.warn("{}.{}: a stitched read-through read met {} of OLD's without a boolean property `{}`"
                    + " (@ReadThrough(migratedWhen)); OLD's answer was the answer", repository, method,
                    element == null ? "a null element" : "an element of class " + element.getClass().getName(),
                    marker);
        }
        return oldAnswer;
    }
}

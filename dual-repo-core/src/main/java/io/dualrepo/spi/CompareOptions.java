package io.dualrepo.spi;

import java.util.Arrays;
import java.util.Collection;
import java.util.Set;

/**
 * How two read results are compared and how their differences are rendered. Immutable; start from {@link
 * #defaults()} and adjust with the {@code with…} methods. Every value is checked here, so a bad
 * {@code @Compare} annotation fails when the decorator is built, naming the bad value, not on the first
 * mismatch.
 *
 * @param ignoredFields fields left out of the comparison: a plain name ({@code updatedAt}) at any depth, a
 *     dotted path ({@code organisation.updatedAt}) only along that chain of fields from the result; elements
 *     of collections and arrays, map values and {@code Optional} contents do not add a step to that chain
 * @param unorderedCollections compare every collection and array as a multiset (sets always are), by key where
 *     the elements have one
 * @param positionalLists compare lists and arrays by position even where their elements have an identity;
 *     excludes {@code unorderedCollections} and an {@code elementKey}
 * @param elementKey the property identifying an element of a list, for element classes that have it (others
 *     keep their {@code @Id} or {@code id}); empty for none. It must not be an ignored field: elements cannot be
 *     aligned by what the comparison leaves out
 * @param sensitiveFieldNames field names masked as if annotated {@link io.dualrepo.Sensitive}, for classes
 *     that cannot be annotated
 * @param maxDifferences the comparison stops after this many differences
 * @param maxRenderedLength rendered values longer than this are cut, ending in {@code …}
 */
public record CompareOptions(
        Set<String> ignoredFields,
        boolean unorderedCollections,
        boolean positionalLists,
        String elementKey,
        Set<String> sensitiveFieldNames,
        int maxDifferences,
        int maxRenderedLength) {

    public static final int DEFAULT_MAX_DIFFERENCES = 20;
    public static final int DEFAULT_MAX_RENDERED_LENGTH = 200;

    /** Below this a rendered value cannot show anything useful before the ellipsis. */
    public static final int MIN_RENDERED_LENGTH = 10;

    private static final CompareOptions DEFAULTS =
            new CompareOptions(Set.of(), false, false, "", Set.of(), DEFAULT_MAX_DIFFERENCES,
                    DEFAULT_MAX_RENDERED_LENGTH);

    public CompareOptions {
        ignoredFields = checkNames("ignoredFields", ignoredFields, true);
        sensitiveFieldNames = checkNames("sensitiveFieldNames", sensitiveFieldNames, false);
        checkElementKey(elementKey, ignoredFields, positionalLists);
        if (positionalLists && unorderedCollections) {
            throw new IllegalArgumentException("positional and unordered exclude each other: positional compares"
                    + " lists by position, unordered as multisets; keep one");
        }
        if (maxDifferences < 1) {
            throw new IllegalArgumentException("maxDifferences must be at least 1, was " + maxDifferences);
        }
        if (maxRenderedLength < MIN_RENDERED_LENGTH) {
            throw new IllegalArgumentException(
                    "maxRenderedLength must be at least " + MIN_RENDERED_LENGTH + ", was " + maxRenderedLength);
        }
    }

    /**
     * No ignored fields, lists in order (by key where their elements have an identity), no extra sensitive names,
     * 20 differences, 200 characters.
     */
    public static CompareOptions defaults() {
        return DEFAULTS;
    }

    /** Replaces the ignored fields. */
    public CompareOptions withIgnoredFields(String... fields) {
        return withIgnoredFields(Arrays.asList(fields));
    }

    /** Replaces the ignored fields. */
    public CompareOptions withIgnoredFields(Collection<String> fields) {
        return new CompareOptions(
                Set.copyOf(nonNull("ignoredFields", fields)),
                unorderedCollections,
                positionalLists,
                elementKey,
                sensitiveFieldNames,
                maxDifferences,
                maxRenderedLength);
    }

    public CompareOptions withUnorderedCollections(boolean unordered) {
        return new CompareOptions(ignoredFields, unordered, positionalLists, elementKey, sensitiveFieldNames,
                maxDifferences, maxRenderedLength);
    }

    public CompareOptions withPositionalLists(boolean positional) {
        return new CompareOptions(ignoredFields, unorderedCollections, positional, elementKey, sensitiveFieldNames,
                maxDifferences, maxRenderedLength);
    }

    /** Replaces the element key; empty for none. */
    public CompareOptions withElementKey(String key) {
        return new CompareOptions(ignoredFields, unorderedCollections, positionalLists, key, sensitiveFieldNames,
                maxDifferences, maxRenderedLength);
    }

    /** Replaces the extra sensitive field names. */
    public CompareOptions withSensitiveFieldNames(String... names) {
        return withSensitiveFieldNames(Arrays.asList(names));
    }

    /** Replaces the extra sensitive field names. */
    public CompareOptions withSensitiveFieldNames(Collection<String> names) {
        return new CompareOptions(
                ignoredFields,
                unorderedCollections,
                positionalLists,
                elementKey,
                Set.copyOf(nonNull("sensitiveFieldNames", names)),
                maxDifferences,
                maxRenderedLength);
    }

    public CompareOptions withMaxDifferences(int max) {
        return new CompareOptions(ignoredFields, unorderedCollections, positionalLists, elementKey,
                sensitiveFieldNames, max, maxRenderedLength);
    }

    public CompareOptions withMaxRenderedLength(int max) {
        return new CompareOptions(ignoredFields, unorderedCollections, positionalLists, elementKey,
                sensitiveFieldNames, maxDifferences, max);
    }

    private static <C extends Collection<String>> C nonNull(String option, C names) {
        if (names == null) {
            throw new IllegalArgumentException(option + " must not be null");
        }
        for (String name : names) {
            if (name == null) {
                throw new IllegalArgumentException(option + " must not contain null, was " + names);
            }
        }
        return names;
    }

    // Names are checked as Java identifiers so that a typo such as "organisation/updatedAt" or "updatedAt "
    // fails at start-up instead of silently ignoring nothing.
    private static Set<String> checkNames(String option, Set<String> names, boolean dotted) {
        for (String name : nonNull(option, names)) {
            String[] segments = name.split("\\.", -1);
            if (!dotted && segments.length > 1) {
                throw new IllegalArgumentException(
                        option + " takes plain field names, without dots: \"" + name + "\"");
            }
            for (String segment : segments) {
                if (!isIdentifier(segment)) {
                    throw new IllegalArgumentException(option + " entry \"" + name + "\" is not a field name"
                            + (dotted ? " or a dotted path of field names" : ""));
                }
            }
        }
        return Set.copyOf(names);
    }

    private static void checkElementKey(String key, Set<String> ignoredFields, boolean positionalLists) {
        if (key == null) {
            throw new IllegalArgumentException("elementKey must not be null; empty for none");
        }
        if (key.isEmpty()) {
            return;
        }
        if (!isIdentifier(key)) {
            throw new IllegalArgumentException("elementKey \"" + key + "\" is not a field name");
        }
        if (positionalLists) {
            throw new IllegalArgumentException("elementKey \"" + key + "\" has no effect with positional lists,"
                    + " which are not aligned by key; keep one");
        }
        if (ignoredFields.contains(key)) {
            throw new IllegalArgumentException("elementKey \"" + key + "\" is also an ignored field: elements cannot"
                    + " be aligned by a field the comparison leaves out; keep one");
        }
    }

    private static boolean isIdentifier(String s) {
        if (s.isEmpty() || !Character.isJavaIdentifierStart(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            if (!Character.isJavaIdentifierPart(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}

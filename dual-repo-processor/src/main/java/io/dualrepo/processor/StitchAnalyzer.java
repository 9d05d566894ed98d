package io.dualrepo.processor;

import static io.dualrepo.processor.Annotations.explicitValue;
import static io.dualrepo.processor.TypeDescriptions.simpleName;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * The checks of {@code @ReadThrough(stitch = true)} and its options: what a stitched answer cannot be (a result
 * other than a List, Set, Collection or Iterable; a page; a copy), what it would not know (the identity of the
 * elements, their migrated marker), and an order it would not keep.
 */
final class StitchAnalyzer {

    /** The parameter types that make a read return one page, or sort it at run time (Spring Data's among them). */
    private static final Map<String, String> PAGING_PARAMETERS = Map.of(
            "Pageable", "it returns one page",
            "PageRequest", "it returns one page",
            "ScrollPosition", "it returns one window of rows",
            "KeysetScrollPosition", "it returns one window of rows",
            "OffsetScrollPosition", "it returns one window of rows",
            "Limit", "it returns at most a given number of rows",
            "Sort", "it is sorted at run time");

    /** Spring Data's limited derived queries: {@code findFirstBy}, {@code findTop10By}, {@code findDistinctFirstBy}. */
    private static final Pattern LIMITED = Pattern.compile(
            "^(find|read|get|query|search|stream)(Distinct)?(First|Top)(\\d*)(\\p{Lu}.*?)??By.*");
    private static final Pattern ORDER_BY = Pattern.compile("OrderBy\\p{Lu}");

    private final Elements elements;
    private final Types types;
    private final TypeShapes shapes;
    private final ElementIdentities identities;
    private final Diagnostics diagnostics;

    StitchAnalyzer(Elements elements, Types types, TypeShapes shapes, Diagnostics diagnostics) {
        this.elements = elements;
        this.types = types;
        this.shapes = shapes;
        this.identities = new ElementIdentities(types, shapes);
        this.diagnostics = diagnostics;
    }

    /**
     * Reports every problem of the read's stitch options.
     *
     * @param compare the read's {@code @Compare}, whose key and ignored fields decide the elements' identity
     * @param described the read as messages name it
     * @param at where to report a problem with one of the annotation's values
     * @return whether the read stitches, so that its copyWith is not to be checked as a copy
     */
    boolean check(ExecutableElement read, ExecutableType resolved, AnnotationMirror readThrough,
            Optional<AnnotationMirror> compare, String described, Function<AnnotationValue, Position> at) {
        Optional<AnnotationValue> stitch = explicitValue(readThrough, "stitch")
                .filter(v -> Boolean.TRUE.equals(v.getValue()));
        Optional<AnnotationValue> order = explicitValue(readThrough, "order").filter(this::namesAComparator);
        Optional<AnnotationValue> migratedWhen = explicitValue(readThrough, "migratedWhen")
                .filter(v -> v.getValue() instanceof String s && !s.isEmpty());
        if (stitch.isEmpty()) {
            order.ifPresent(v -> diagnostics.report(Message.STITCH_OPTION_WITHOUT_STITCH, at.apply(v), "order",
                    described));
            migratedWhen.ifPresent(v -> diagnostics.report(Message.STITCH_OPTION_WITHOUT_STITCH, at.apply(v),
                    "migratedWhen", described));
            return false;
        }
        Position onStitch = at.apply(stitch.get());
        for (String copy : List.of("copyWith", "removeWith")) {
            explicitValue(readThrough, copy)
                    .filter(v -> v.getValue() instanceof String s && !s.isEmpty())
                    .ifPresent(v -> diagnostics.report(Message.STITCH_WITH_COPY, at.apply(v), described, copy));
        }
        TypeMirror result = resolved.getReturnType();
        if (!isStitchable(result)) {
            diagnostics.report(Message.STITCH_UNSUPPORTED_RESULT, onStitch, described, simpleName(result));
            return true;
        }
        Optional<String> paged = paged(read, resolved);
        if (paged.isPresent()) {
            diagnostics.report(Message.STITCH_PAGED, onStitch, described, paged.get());
            return true;
        }
        TypeMirror element = shapes.elementType(result).orElseThrow();
        String key = compare.flatMap(c -> explicitValue(c, "key"))
                .map(v -> v.getValue() instanceof String s ? s : "")
                .orElse("");
        Set<String> ignored = compare.map(CompareAnalyzer::ignoredFields).orElse(Set.of());
        identities.missing(element, key, ignored).ifPresent(why -> diagnostics.report(
                Message.STITCH_WITHOUT_IDENTITY, onStitch, described, simpleName(element), why));
        migratedWhen.ifPresent(v -> checkMarker(element, (String) v.getValue(), described, at.apply(v)));
        if (order.isPresent()) {
            checkOrder((DeclaredType) order.get().getValue(), element, described, at.apply(order.get()));
        } else if (ORDER_BY.matcher(read.getSimpleName()).find()) {
            diagnostics.report(Message.STITCH_ORDER_MISSING, onStitch, described);
        }
        return true;
    }

    /** A class value other than the default {@code Comparator.class}, and one javac could resolve. */
    private boolean namesAComparator(AnnotationValue value) {
        if (!(value.getValue() instanceof DeclaredType type) || type.getKind() == TypeKind.ERROR) {
            return false;
        }
        return !((TypeElement) type.asElement()).getQualifiedName().contentEquals(Comparator.class.getCanonicalName());
    }

    /** Declared exactly as one of the types the runtime answers with a List, or with a Set. */
    private boolean isStitchable(TypeMirror result) {
        if (!(result instanceof DeclaredType declared)) {
            return false;
        }
        TypeElement type = (TypeElement) declared.asElement();
        return List.of(List.class, java.util.Set.class, java.util.Collection.class, Iterable.class).stream()
                .anyMatch(accepted -> type.getQualifiedName().contentEquals(accepted.getCanonicalName()));
    }

    /** Why the read returns a page or a run-time order, or empty. */
    private Optional<String> paged(ExecutableElement read, ExecutableType resolved) {
        for (int i = 0; i < read.getParameters().size(); i++) {
            TypeMirror parameter = types.erasure(resolved.getParameterTypes().get(i));
            String simple = parameter.getKind() == TypeKind.DECLARED
                    ? ((DeclaredType) parameter).asElement().getSimpleName().toString()
                    : "";
            String why = PAGING_PARAMETERS.get(simple);
            if (why != null) {
                return Optional.of(why + " (its " + simple + " parameter `"
                        + read.getParameters().get(i).getSimpleName() + "`)");
            }
        }
        if (LIMITED.matcher(read.getSimpleName()).matches()) {
            return Optional.of("it returns the first rows only (First or Top in its name)");
        }
        return Optional.empty();
    }

    private void checkMarker(TypeMirror element, String marker, String described, Position position) {
        Optional<TypeElement> known = identities.knownClass(element);
        if (known.isEmpty() || ElementIdentities.isPlatform(known.get())) {
            return;
        }
        VariableElement field = identities.properties(known.get()).get(marker);
        TypeMirror type = field == null ? null : field.asType();
        boolean isBoolean = type != null && (type.getKind() == TypeKind.BOOLEAN
                || (type instanceof DeclaredType declared && ((TypeElement) declared.asElement()).getQualifiedName()
                        .contentEquals(Boolean.class.getCanonicalName())));
        if (!isBoolean) {
            diagnostics.report(Message.MIGRATED_WHEN_UNKNOWN, position, marker, described, simpleName(element));
        }
    }

    private void checkOrder(DeclaredType order, TypeMirror element, String described, Position position) {
        TypeElement comparator = (TypeElement) order.asElement();
        String className = comparator.getQualifiedName().toString();
        Set<Creatable.Problem> problems = Creatable.problems(comparator, elements);
        if (problems.contains(Creatable.Problem.NOT_CONCRETE)) {
            diagnostics.report(Message.STITCH_ORDER_UNUSABLE, position, className, described,
                    "it is " + TypeDescriptions.kind(comparator) + ": name a concrete class");
            return;
        }
        if (problems.contains(Creatable.Problem.NOT_PUBLIC)) {
            diagnostics.report(Message.STITCH_ORDER_UNUSABLE, position, className, described,
                    "it is not public: make it public");
        }
        if (problems.contains(Creatable.Problem.INNER_CLASS)) {
            diagnostics.report(Message.STITCH_ORDER_UNUSABLE, position, className, described,
                    "it is an inner class, which needs an instance of `"
                            + ((TypeElement) TypeDescriptions.owner(comparator)).getSimpleName() + "`: make it static");
        }
        if (problems.contains(Creatable.Problem.NO_CONSTRUCTOR)) {
            diagnostics.report(Message.STITCH_ORDER_UNUSABLE, position, className, described,
                    "it has no public no-argument constructor: add one");
        }
        TypeMirror elementType = shapes.upperBound(element);
        if (elementType.getKind() == TypeKind.TYPEVAR) {
            return;
        }
        // A generic comparator is taken raw: whatever it is instantiated with is the user's choice.
        TypeMirror candidate = comparator.getTypeParameters().isEmpty()
                ? comparator.asType()
                : types.erasure(comparator.asType());
        TypeElement comparatorInterface = elements.getTypeElement(Comparator.class.getCanonicalName());
        DeclaredType wanted = types.getDeclaredType(comparatorInterface, types.getWildcardType(null, elementType));
        if (!types.isAssignable(candidate, wanted)) {
            diagnostics.report(Message.STITCH_ORDER_UNUSABLE, position, className, described,
                    "it is not a Comparator of " + simpleName(elementType) + ", the elements of the result: name a"
                            + " Comparator<" + simpleName(elementType) + ">");
        }
    }
}

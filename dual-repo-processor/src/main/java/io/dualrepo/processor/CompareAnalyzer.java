package io.dualrepo.processor;

import static io.dualrepo.processor.Annotations.explicitValue;
import static io.dualrepo.processor.TypeDescriptions.simpleName;

import io.dualrepo.compare.Equivalence;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import org.jspecify.annotations.Nullable;

/**
 * The checks of a read's {@code @Compare}: what the runtime would refuse when the decorator is built (options that
 * exclude each other, an equivalence it cannot create), and a {@code key} that names no field of any list element
 * in the result, which the runtime would silently not use.
 */
final class CompareAnalyzer {

    private final Elements elements;
    private final Types types;
    private final TypeShapes shapes;
    private final Diagnostics diagnostics;

    CompareAnalyzer(Elements elements, Types types, TypeShapes shapes, Diagnostics diagnostics) {
        this.elements = elements;
        this.types = types;
        this.shapes = shapes;
        this.diagnostics = diagnostics;
    }

    /**
     * @param described the read as messages name it
     * @param at where to report a problem with one of the annotation's values
     */
    void check(ExecutableType resolved, AnnotationMirror compare, String described,
            Function<AnnotationValue, Position> at) {
        checkOptions(resolved, compare, described, at);
        checkEquivalence(resolved, compare, described, at);
    }

    private void checkOptions(ExecutableType resolved, AnnotationMirror compare, String described,
            Function<AnnotationValue, Position> at) {
        Optional<AnnotationValue> positional = explicitValue(compare, "positional").filter(CompareAnalyzer::isTrue);
        Optional<AnnotationValue> unordered = explicitValue(compare, "unordered").filter(CompareAnalyzer::isTrue);
        Optional<AnnotationValue> key = explicitValue(compare, "key")
                .filter(v -> v.getValue() instanceof String s && !s.isEmpty());
        if (positional.isPresent() && unordered.isPresent()) {
            diagnostics.report(Message.COMPARE_OPTIONS_CONFLICT, at.apply(positional.get()), described,
                    "positional = true", "unordered = true", "positional compares lists by position, unordered as"
                            + " multisets");
        }
        if (key.isEmpty()) {
            return;
        }
        String name = (String) key.get().getValue();
        if (positional.isPresent()) {
            diagnostics.report(Message.COMPARE_OPTIONS_CONFLICT, at.apply(key.get()), described,
                    "key = \"" + name + "\"", "positional = true", "positional lists are not aligned by key");
        }
        if (ignoredFields(compare).contains(name)) {
            diagnostics.report(Message.COMPARE_OPTIONS_CONFLICT, at.apply(key.get()), described,
                    "key = \"" + name + "\"", "ignoreFields = \"" + name + "\"",
                    "elements cannot be aligned by a field the comparison leaves out");
        }
        ListElements found = listElements(resolved.getReturnType());
        if (!found.unknown && found.types.stream().noneMatch(element -> hasField(element, name))) {
            String where = found.types.isEmpty()
                    ? "it holds no list of records or classes"
                    : found.types.stream().map(t -> t.getSimpleName().toString()).collect(Collectors.joining(", "));
            diagnostics.report(Message.COMPARE_KEY_UNKNOWN, at.apply(key.get()), name, described, where);
        }
    }

    private static boolean isTrue(AnnotationValue value) {
        return Boolean.TRUE.equals(value.getValue());
    }

    /** The entries of {@code @Compare(ignoreFields)}. */
    static Set<String> ignoredFields(AnnotationMirror compare) {
        Optional<AnnotationValue> value = explicitValue(compare, "ignoreFields");
        if (value.isEmpty()) {
            return Set.of();
        }
        Object raw = value.get().getValue();
        // A single name may be written without braces; javac still hands over a list.
        List<?> entries = raw instanceof List<?> list ? list : List.of(value.get());
        Set<String> names = new HashSet<>();
        for (Object entry : entries) {
            if (entry instanceof AnnotationValue v && v.getValue() instanceof String name) {
                names.add(name);
            }
        }
        return names;
    }

    /**
     * The element classes of the lists, sets and arrays the result can hold, at any depth (through Optional,
     * map values and the fields of its classes); {@code unknown} when an element type says too little to tell
     * which fields its elements have: an interface, a type variable, Object.
     */
    private record ListElements(Set<TypeElement> types, boolean unknown) {}

    private ListElements listElements(TypeMirror result) {
        Set<TypeElement> found = new LinkedHashSet<>();
        Set<TypeElement> walked = new HashSet<>();
        boolean unknown = false;
        Deque<TypeMirror> pending = new ArrayDeque<>();
        Deque<Boolean> asElement = new ArrayDeque<>();
        pending.add(result);
        asElement.add(false);
        while (!pending.isEmpty()) {
            TypeMirror type = shapes.upperBound(pending.poll());
            boolean element = asElement.poll();
            if (type instanceof ArrayType array) {
                if (!array.getComponentType().getKind().isPrimitive()) {
                    pending.add(array.getComponentType());
                    asElement.add(true);
                }
                continue;
            }
            if (!(type instanceof DeclaredType declared)) {
                unknown |= element && type.getKind() != TypeKind.NONE;
                continue;
            }
            Optional<TypeMirror> contained = shapes.typeArgumentOf(type, Optional.class);
            if (contained.isPresent()) {
                pending.add(contained.get());
                asElement.add(element);
                continue;
            }
            Optional<TypeMirror> elementType = shapes.elementType(type);
            if (elementType.isPresent()) {
                pending.add(elementType.get());
                asElement.add(true);
                continue;
            }
            Optional<TypeMirror> mapValue = shapes.mapValueType(type);
            if (mapValue.isPresent()) {
                pending.add(mapValue.get());
                asElement.add(false);
                continue;
            }
            TypeElement typeElement = (TypeElement) declared.asElement();
            boolean platform = isPlatform(typeElement);
            if (element) {
                if (typeElement.getKind() == ElementKind.INTERFACE
                        || typeElement.getQualifiedName().contentEquals(Object.class.getCanonicalName())) {
                    unknown = true;
                } else if (!platform && typeElement.getKind() != ElementKind.ENUM) {
                    found.add(typeElement);
                }
            }
            if (!platform && walked.add(typeElement)) {
                for (VariableElement field : fields(typeElement)) {
                    if (!field.getModifiers().contains(Modifier.TRANSIENT)) {
                        pending.add(types.asMemberOf(declared, field));
                        asElement.add(false);
                    }
                }
            }
        }
        return new ListElements(found, unknown);
    }

    private boolean hasField(TypeElement type, String name) {
        return fields(type).stream().anyMatch(field -> field.getSimpleName().contentEquals(name));
    }

    /** The instance fields of a class and its superclasses, up to the first JDK class, as the runtime walks them. */
    private List<VariableElement> fields(TypeElement type) {
        List<VariableElement> fields = new ArrayList<>();
        for (TypeElement c = type; c != null && !isPlatform(c); c = superclass(c)) {
            for (VariableElement field : ElementFilter.fieldsIn(c.getEnclosedElements())) {
                if (!field.getModifiers().contains(Modifier.STATIC)) {
                    fields.add(field);
                }
            }
        }
        return fields;
    }

    private @Nullable TypeElement superclass(TypeElement type) {
        TypeMirror superclass = type.getSuperclass();
        return superclass.getKind() == TypeKind.DECLARED ? (TypeElement) types.asElement(superclass) : null;
    }

    private static boolean isPlatform(TypeElement type) {
        String name = type.getQualifiedName().toString();
        return name.startsWith("java.") || name.startsWith("javax.");
    }

    private void checkEquivalence(ExecutableType resolved, AnnotationMirror compare, String described,
            Function<AnnotationValue, Position> at) {
        Optional<AnnotationValue> value = explicitValue(compare, "equivalence");
        if (value.isEmpty() || !(value.get().getValue() instanceof DeclaredType equivalenceType)) {
            return;
        }
        TypeElement equivalence = (TypeElement) equivalenceType.asElement();
        TypeElement equivalenceInterface = elements.getTypeElement(Equivalence.class.getCanonicalName());
        if (equivalence.equals(equivalenceInterface)) {
            return;
        }
        Position position = at.apply(value.get());
        String className = equivalence.getQualifiedName().toString();
        Set<Creatable.Problem> problems = Creatable.problems(equivalence, elements);
        if (problems.contains(Creatable.Problem.NOT_CONCRETE)) {
            diagnostics.report(Message.EQUIVALENCE_NOT_CONCRETE, position,
                    className, TypeDescriptions.kind(equivalence));
            return;
        }
        if (problems.contains(Creatable.Problem.NOT_PUBLIC)) {
            diagnostics.report(Message.EQUIVALENCE_NOT_PUBLIC, position, className);
        }
        if (problems.contains(Creatable.Problem.INNER_CLASS)) {
            diagnostics.report(Message.EQUIVALENCE_INNER_CLASS, position,
                    className, ((TypeElement) TypeDescriptions.owner(equivalence)).getSimpleName());
        }
        if (problems.contains(Creatable.Problem.NO_CONSTRUCTOR)) {
            diagnostics.report(Message.EQUIVALENCE_NO_CONSTRUCTOR, position, className);
        }
        // A generic equivalence is taken raw: whatever it is instantiated with is the user's choice.
        TypeMirror candidate = equivalence.getTypeParameters().isEmpty()
                ? equivalence.asType()
                : types.erasure(equivalence.asType());
        TypeMirror result = shapes.boxed(resolved.getReturnType());
        if (result.getKind() != TypeKind.VOID) {
            DeclaredType wanted = types.getDeclaredType(equivalenceInterface, types.getWildcardType(null, result));
            if (!types.isAssignable(candidate, wanted)) {
                diagnostics.report(Message.EQUIVALENCE_WRONG_TYPE, position,
                        className, simpleName(result), described);
            }
        }
    }
}

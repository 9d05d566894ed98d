package io.dualrepo.processor;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Types;
import org.jspecify.annotations.Nullable;

/**
 * The identity the runtime will find for the elements of a list, told from their declared type, so that a stitched
 * read over elements that have none fails the compilation rather than every read. It follows the runtime's rules
 * (dual-repo-core's {@code TypeInfo.identityOf} and {@code ElementKeys}) on declarations rather than on classes: a
 * property annotated {@code Id} (any annotation of that simple name, on a field, record component or getter), else
 * one named {@code id}, or the one {@code @Compare(key)} names; none when several are annotated, when the key is an
 * ignored field, or when it holds something other than a plain value. Interfaces, type variables and
 * {@code Object} say too little: the runtime decides for them.
 */
final class ElementIdentities {

    private final Types types;
    private final TypeShapes shapes;

    ElementIdentities(Types types, TypeShapes shapes) {
        this.types = types;
        this.shapes = shapes;
    }

    /**
     * Why elements of this declared type have no identity; empty when they have one or the type cannot tell.
     *
     * @param compareKey the method's {@code @Compare(key)}, or empty
     * @param ignored the method's {@code @Compare(ignoreFields)} entries
     */
    Optional<String> missing(TypeMirror elementType, String compareKey, Set<String> ignored) {
        TypeMirror type = shapes.upperBound(elementType);
        if (type.getKind().isPrimitive() || type.getKind() == TypeKind.ARRAY) {
            return Optional.of("they are plain values, not records or classes");
        }
        Optional<TypeElement> known = knownClass(type);
        if (known.isEmpty()) {
            return Optional.empty();
        }
        TypeElement element = known.get();
        if (element.getKind() == ElementKind.ENUM || isPlatform(element)) {
            return Optional.of("they are plain values, not records or classes");
        }
        Map<String, VariableElement> properties = properties(element);
        String key = compareKey.isEmpty() || !properties.containsKey(compareKey) ? null : compareKey;
        if (key == null) {
            Set<String> ids = idNames(element);
            if (ids.size() > 1) {
                return Optional.of("their @Id fields " + ids.stream().map(name -> "`" + name + "`")
                        .collect(Collectors.joining(", ")) + " make a composite key");
            }
            key = ids.isEmpty() ? "id" : ids.iterator().next();
            if (!properties.containsKey(key)) {
                return Optional.of(ids.isEmpty()
                        ? "they have no field annotated @Id or named id"
                        : "their @Id property `" + key + "` is not a field");
            }
        }
        if (ignored.contains(key)) {
            return Optional.of("their key `" + key + "` is left out by @Compare(ignoreFields)");
        }
        // Either branch above made key one of the properties.
        TypeMirror keyType = Objects.requireNonNull(properties.get(key), key).asType();
        if (!isPlainValue(keyType)) {
            return Optional.of("their key `" + key + "` is " + TypeDescriptions.simpleName(keyType)
                    + ", not a plain value");
        }
        return Optional.empty();
    }

    /** The class or record of a declared element type; empty for interfaces, Object and type variables. */
    Optional<TypeElement> knownClass(TypeMirror elementType) {
        TypeMirror type = shapes.upperBound(elementType);
        if (!(type instanceof DeclaredType declared)) {
            return Optional.empty();
        }
        TypeElement element = (TypeElement) declared.asElement();
        if (element.getKind().isInterface()
                || element.getQualifiedName().contentEquals(Object.class.getCanonicalName())) {
            return Optional.empty();
        }
        return Optional.of(element);
    }

    /**
     * The properties the runtime compares, by name: a record's components (as their fields), a class's instance
     * fields that are not transient, superclasses first, up to the first JDK class.
     */
    Map<String, VariableElement> properties(TypeElement type) {
        Deque<TypeElement> hierarchy = new ArrayDeque<>();
        for (TypeElement c = type; c != null && !isPlatform(c); c = superclass(c)) {
            hierarchy.addFirst(c);
        }
        Map<String, VariableElement> properties = new LinkedHashMap<>();
        for (TypeElement c : hierarchy) {
            for (VariableElement field : ElementFilter.fieldsIn(c.getEnclosedElements())) {
                Set<Modifier> modifiers = field.getModifiers();
                if (!modifiers.contains(Modifier.STATIC) && !modifiers.contains(Modifier.TRANSIENT)) {
                    properties.put(field.getSimpleName().toString(), field);
                }
            }
        }
        return properties;
    }

    /** The properties annotated {@code Id}: on a field, a record component or its accessor, or a getter. */
    private Set<String> idNames(TypeElement type) {
        Set<String> names = new LinkedHashSet<>();
        for (VariableElement field : properties(type).values()) {
            if (hasId(field)) {
                names.add(field.getSimpleName().toString());
            }
        }
        if (type.getKind() == ElementKind.RECORD) {
            for (RecordComponentElement component : ElementFilter.recordComponentsIn(type.getEnclosedElements())) {
                if (hasId(component) || (component.getAccessor() != null && hasId(component.getAccessor()))) {
                    names.add(component.getSimpleName().toString());
                }
            }
        }
        // Annotations on methods are not inherited, so the runtime looks through supertypes and interfaces too.
        Set<TypeElement> seen = new HashSet<>();
        Deque<TypeElement> pending = new ArrayDeque<>(List.of(type));
        while (!pending.isEmpty()) {
            TypeElement c = pending.poll();
            if (isPlatform(c) || !seen.add(c)) {
                continue;
            }
            for (ExecutableElement method : ElementFilter.methodsIn(c.getEnclosedElements())) {
                if (method.getParameters().isEmpty() && hasId(method)) {
                    names.add(propertyName(method.getSimpleName().toString()));
                }
            }
            TypeElement superclass = superclass(c);
            if (superclass != null) {
                pending.add(superclass);
            }
            for (TypeMirror superInterface : c.getInterfaces()) {
                pending.add((TypeElement) types.asElement(superInterface));
            }
        }
        return names;
    }

    private static boolean hasId(Element element) {
        for (AnnotationMirror annotation : element.getAnnotationMirrors()) {
            if (annotation.getAnnotationType().asElement().getSimpleName().contentEquals("Id")) {
                return true;
            }
        }
        return false;
    }

    private static String propertyName(String method) {
        for (String prefix : List.of("get", "is")) {
            if (method.length() > prefix.length() && method.startsWith(prefix)
                    && Character.isUpperCase(method.charAt(prefix.length()))) {
                String rest = method.substring(prefix.length());
                return Character.toLowerCase(rest.charAt(0)) + rest.substring(1);
            }
        }
        return method;
    }

    /**
     * Whether a key of this declared type can identify an element: primitives, enums and JDK values other than
     * containers. An interface or type variable may hold one at run time, so it passes too.
     */
    private boolean isPlainValue(TypeMirror keyType) {
        if (keyType.getKind().isPrimitive() || keyType.getKind() == TypeKind.TYPEVAR) {
            return true;
        }
        if (!(keyType instanceof DeclaredType declared)) {
            return false;
        }
        TypeElement element = (TypeElement) declared.asElement();
        if (element.getKind() == ElementKind.ENUM) {
            return true;
        }
        if (!isPlatform(element)) {
            return element.getKind().isInterface();
        }
        return !shapes.isSubtypeOfErasure(keyType, Collection.class)
                && !shapes.isSubtypeOfErasure(keyType, Map.class)
                && !shapes.isSubtypeOfErasure(keyType, Optional.class);
    }

    private @Nullable TypeElement superclass(TypeElement type) {
        TypeMirror superclass = type.getSuperclass();
        return superclass.getKind() == TypeKind.DECLARED ? (TypeElement) types.asElement(superclass) : null;
    }

    static boolean isPlatform(TypeElement type) {
        String name = type.getQualifiedName().toString();
        return name.startsWith("java.") || name.startsWith("javax.");
    }
}

package io.dualrepo.processor;

import java.util.List;
import java.util.Optional;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/** What a type holds, as the checks of reads ask it: the value of an Optional, the elements of an Iterable. */
final class TypeShapes {

    private final Elements elements;
    private final Types types;

    TypeShapes(Elements elements, Types types) {
        this.elements = elements;
        this.types = types;
    }

    /** Of {@code Optional<X>}: X, with a wildcard replaced by its bound. */
    Optional<TypeMirror> typeArgumentOf(TypeMirror type, Class<?> generic) {
        if (!(type instanceof DeclaredType declared)
                || !((TypeElement) declared.asElement()).getQualifiedName().contentEquals(generic.getCanonicalName())
                || declared.getTypeArguments().size() != 1) {
            return Optional.empty();
        }
        return Optional.of(upperBound(declared.getTypeArguments().get(0)));
    }

    /** Of an {@code Iterable<X>} (a {@code List<X>}, a {@code Set<X>}, ...): X. */
    Optional<TypeMirror> elementType(TypeMirror type) {
        return returnTypeOf(type, Iterable.class, "iterator").map(iterator -> {
            List<? extends TypeMirror> arguments = ((DeclaredType) iterator).getTypeArguments();
            return arguments.isEmpty() ? object() : upperBound(arguments.get(0));
        });
    }

    /** Of a {@code Map<K, V>} (of any class): V. */
    Optional<TypeMirror> mapValueType(TypeMirror type) {
        return returnTypeOf(type, java.util.Map.class, "get").map(this::upperBound);
    }

    private Optional<TypeMirror> returnTypeOf(TypeMirror type, Class<?> supertype, String method) {
        if (!(type instanceof DeclaredType declared) || !isSubtypeOfErasure(type, supertype)) {
            return Optional.empty();
        }
        TypeElement owner = elements.getTypeElement(supertype.getCanonicalName());
        ExecutableElement member = ElementFilter.methodsIn(owner.getEnclosedElements()).stream()
                .filter(m -> m.getSimpleName().contentEquals(method))
                .findFirst()
                .orElseThrow();
        return Optional.of(((ExecutableType) types.asMemberOf(declared, member)).getReturnType());
    }

    TypeMirror upperBound(TypeMirror type) {
        if (type instanceof WildcardType wildcard) {
            return wildcard.getExtendsBound() != null ? wildcard.getExtendsBound() : object();
        }
        return type;
    }

    boolean isSubtypeOfErasure(TypeMirror type, Class<?> supertype) {
        if (type.getKind() != TypeKind.DECLARED) {
            return false;
        }
        TypeElement element = elements.getTypeElement(supertype.getCanonicalName());
        return types.isSubtype(types.erasure(type), types.erasure(element.asType()));
    }

    TypeMirror boxed(TypeMirror type) {
        return type.getKind().isPrimitive()
                ? types.boxedClass(types.getPrimitiveType(type.getKind())).asType()
                : type;
    }

    private TypeMirror object() {
        return elements.getTypeElement(Object.class.getCanonicalName()).asType();
    }
}

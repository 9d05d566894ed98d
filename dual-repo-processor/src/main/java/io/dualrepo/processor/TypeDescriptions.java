package io.dualrepo.processor;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.Types;

/** How types and methods read in messages: as the user wrote them, not with the qualified names javac prints. */
final class TypeDescriptions {

    private TypeDescriptions() {}

    /**
     * The type that declares {@code member}. javac gives every method, field and member class one; the model's
     * {@code getEnclosingElement} may return null only for modules and top-level packages.
     */
    static Element owner(Element member) {
        return Objects.requireNonNull(member.getEnclosingElement(), "enclosing element");
    }

    /** Simple names, type arguments kept: {@code Optional<Incident>}, {@code List<? extends Incident>}. */
    static String simpleName(TypeMirror type) {
        return switch (type.getKind()) {
            case DECLARED -> {
                DeclaredType declared = (DeclaredType) type;
                String name = declared.asElement().getSimpleName().toString();
                List<? extends TypeMirror> arguments = declared.getTypeArguments();
                yield arguments.isEmpty()
                        ? name
                        : name + arguments.stream().map(TypeDescriptions::simpleName)
                                .collect(Collectors.joining(", ", "<", ">"));
            }
            case ARRAY -> simpleName(((ArrayType) type).getComponentType()) + "[]";
            case WILDCARD -> {
                WildcardType wildcard = (WildcardType) type;
                if (wildcard.getExtendsBound() != null) {
                    yield "? extends " + simpleName(wildcard.getExtendsBound());
                }
                yield wildcard.getSuperBound() != null ? "? super " + simpleName(wildcard.getSuperBound()) : "?";
            }
            default -> type.toString();
        };
    }

    /** {@code "a class"}, {@code "an enum"}, ...: what a type is, to say why it does not fit. */
    static String kind(TypeElement type) {
        return switch (type.getKind()) {
            case ENUM -> "an enum";
            case RECORD -> "a record";
            case INTERFACE -> "an interface";
            case ANNOTATION_TYPE -> "an annotation type";
            default -> type.getModifiers().contains(Modifier.ABSTRACT) ? "an abstract class" : "a class";
        };
    }

    /**
     * {@code findById(String)}, or {@code CrudRepository.findById(Object)} for a method {@code in} inherits: its
     * parameter types as members of {@code in}, type arguments of super-interfaces resolved.
     */
    static String method(ExecutableElement method, TypeElement in, Types types) {
        String owner = owner(method).equals(in)
                ? ""
                : owner(method).getSimpleName() + ".";
        ExecutableType resolved = (ExecutableType) types.asMemberOf((DeclaredType) in.asType(), method);
        List<? extends TypeMirror> parameters = resolved.getParameterTypes();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            String name = simpleName(parameters.get(i));
            if (i == parameters.size() - 1 && method.isVarArgs()) {
                name = name.substring(0, name.length() - 2) + "...";
            }
            names.add(name);
        }
        return owner + method.getSimpleName() + "(" + String.join(", ", names) + ")";
    }
}

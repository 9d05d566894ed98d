package io.dualrepo.processor;

import java.nio.file.DirectoryStream;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Spliterator;
import java.util.stream.BaseStream;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.IntersectionType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.TypeVariable;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Parameter types that can be consumed only once. The decorator hands the same arguments to both models (a dual
 * write, a shadow comparison, read-through), so whichever model is called second would find such an argument used
 * up: an empty write, or a spurious mismatch. Types that are single-use by contract are refused; a parameter
 * declared {@code Iterable} is copied once, since a caller may pass one that iterates only once and the models
 * accept any Iterable, so a List can stand in for it. Other {@code Iterable}s, collections or types of the user's
 * own, are passed as they are: the models declare that type, so no copy could stand in for it.
 */
final class SingleUseTypes {

    /** Single-use by their contract: each of these, or a subtype, can be traversed once. */
    private static final List<Class<?>> SINGLE_USE =
            List.of(Iterator.class, BaseStream.class, Spliterator.class, Enumeration.class, DirectoryStream.class);

    private final Elements elements;
    private final Types types;

    SingleUseTypes(Elements elements, Types types) {
        this.elements = elements;
        this.types = types;
    }

    /**
     * The type arguments of what to take instead, when {@code type} can be consumed only once: {@code "<Order>"}
     * for {@code Iterator<Order>} or {@code Stream<Order>}, {@code "<Integer>"} for {@code IntStream}, {@code ""}
     * for a raw {@code Iterator}.
     */
    Optional<String> elementArguments(TypeMirror type) {
        for (Class<?> singleUse : SINGLE_USE) {
            Optional<DeclaredType> seen = asSupertype(type, elements.getTypeElement(singleUse.getCanonicalName()));
            if (seen.isPresent()) {
                List<? extends TypeMirror> arguments = seen.get().getTypeArguments();
                return Optional.of(arguments.isEmpty()
                        ? ""
                        : "<" + TypeDescriptions.simpleName(arguments.get(0)) + ">");
            }
        }
        return Optional.empty();
    }

    /** Whether a parameter is declared {@code Iterable} itself, so that the decorator copies it into a List. */
    boolean isCopiedOnce(TypeMirror type) {
        return type instanceof DeclaredType declared
                && ((TypeElement) declared.asElement()).getQualifiedName().contentEquals(Iterable.class.getName());
    }

    /** {@code type} seen as {@code generic}: {@code IntStream} as {@code BaseStream<Integer, IntStream>}. */
    private Optional<DeclaredType> asSupertype(TypeMirror type, TypeElement generic) {
        if (type instanceof TypeVariable variable) {
            return asSupertype(variable.getUpperBound(), generic);
        }
        if (type instanceof IntersectionType intersection) {
            return intersection.getBounds().stream()
                    .map(bound -> asSupertype(bound, generic))
                    .flatMap(Optional::stream)
                    .findFirst();
        }
        if (!(type instanceof DeclaredType declared)) {
            return Optional.empty();
        }
        if (declared.asElement().equals(generic)) {
            return Optional.of(declared);
        }
        for (TypeMirror supertype : types.directSupertypes(type)) {
            Optional<DeclaredType> found = asSupertype(supertype, generic);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }
}

package io.dualrepo.processor;

import java.util.EnumSet;
import java.util.Set;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/**
 * Why the runtime could not create an instance of a class an annotation names ({@code @Compare(equivalence)},
 * {@code @ReadThrough(order)}): it calls the public no-argument constructor once, when the decorator is built.
 */
final class Creatable {

    enum Problem {
        /** An interface, an annotation type, an enum or an abstract class: nothing to call. */
        NOT_CONCRETE,
        NOT_PUBLIC,
        /** A non-static member class, which needs an instance of its enclosing class. */
        INNER_CLASS,
        NO_CONSTRUCTOR
    }

    private Creatable() {}

    /** Empty when the runtime can create it; {@code NOT_CONCRETE} alone, since the others then mean nothing. */
    static Set<Problem> problems(TypeElement type, Elements elements) {
        boolean isClass = type.getKind() == ElementKind.CLASS || type.getKind() == ElementKind.RECORD;
        if (!isClass || type.getModifiers().contains(Modifier.ABSTRACT)) {
            return EnumSet.of(Problem.NOT_CONCRETE);
        }
        Set<Problem> problems = EnumSet.noneOf(Problem.class);
        if (!type.getModifiers().contains(Modifier.PUBLIC)) {
            problems.add(Problem.NOT_PUBLIC);
        }
        if (type.getNestingKind() == NestingKind.MEMBER && !type.getModifiers().contains(Modifier.STATIC)) {
            problems.add(Problem.INNER_CLASS);
        }
        // A default constructor has the class's access: making the class public, as reported above, fixes it.
        boolean hasPublicNoArgConstructor = ElementFilter.constructorsIn(type.getEnclosedElements()).stream()
                .anyMatch(c -> c.getParameters().isEmpty() && (c.getModifiers().contains(Modifier.PUBLIC)
                        || elements.getOrigin(c) == Elements.Origin.MANDATED));
        if (!hasPublicNoArgConstructor) {
            problems.add(Problem.NO_CONSTRUCTOR);
        }
        return problems;
    }
}

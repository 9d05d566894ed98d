package io.dualrepo.processor;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeMirror;
import org.jspecify.annotations.Nullable;

/**
 * One method the decorator overrides and routes.
 *
 * @param element the method as declared, possibly in a super-interface
 * @param type the method as a member of the decorated interface, type arguments of super-interfaces resolved:
 *     what the override declares
 * @param lookupTypes the erasures of the declared parameter types: what the runtime finds the method by
 * @param routingKey the {@code @RoutingKey} parameter, if any
 * @param copiedOnce the parameters declared {@code Iterable}, which the decorator copies into a List before calling
 *     either model, since the caller's Iterable may iterate only once
 * @param copy migrate on read, for a read with {@code @ReadThrough(copyWith = ...)}
 */
record RoutedMethod(
        ExecutableElement element,
        ExecutableType type,
        Operation operation,
        List<TypeMirror> lookupTypes,
        Optional<VariableElement> routingKey,
        Set<VariableElement> copiedOnce,
        Optional<Copy> copy) {

    String name() {
        return element.getSimpleName().toString();
    }

    /**
     * How a read under read-through hands what the old model returned to a write of the new model.
     *
     * @param method the write's name
     * @param shape whether the write takes the whole result, the value of an {@code Optional} result, or each
     *     element of an {@code Iterable} result
     * @param elementType the type of one element, for {@link Shape#EACH_ELEMENT}
     * @param throwsChecked whether the write declares checked exceptions, which a {@code Consumer} cannot throw
     * @param removeWith the write, taking the read's arguments, that takes the copy back from the new model; or null
     */
    record Copy(String method, Shape shape, @Nullable TypeMirror elementType, boolean throwsChecked,
            @Nullable String removeWith) {

        Copy withRemoveWith(@Nullable String write) {
            return new Copy(method, shape, elementType, throwsChecked, write);
        }

        enum Shape {
            RESULT,
            OPTIONAL_VALUE,
            EACH_ELEMENT
        }
    }
}

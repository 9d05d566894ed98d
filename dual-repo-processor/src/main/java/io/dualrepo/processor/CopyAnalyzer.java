package io.dualrepo.processor;

import static io.dualrepo.processor.Annotations.READ;
import static io.dualrepo.processor.Annotations.WRITE;
import static io.dualrepo.processor.Annotations.explicitValue;
import static io.dualrepo.processor.Annotations.find;
import static io.dualrepo.processor.TypeDescriptions.simpleName;

import io.dualrepo.processor.RoutedMethod.Copy;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.TypeVariable;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * The migrate-on-read copy of a read under read-through: which write of the interface {@code @ReadThrough(copyWith
 * = ...)} names and how it takes what the old model returned, and which write {@code removeWith} names to take the
 * copy back out of the new model. A stitched read copies nothing, and is left to {@link StitchAnalyzer}.
 */
final class CopyAnalyzer {

    private final Elements elements;
    private final Types types;
    private final TypeElement type;
    private final DeclaredType declaredType;
    private final TypeShapes shapes;
    private final Diagnostics diagnostics;

    /** @param type the {@code @DualModel} interface, whose members the copy's writes are looked up among */
    CopyAnalyzer(Elements elements, Types types, TypeElement type, TypeShapes shapes, Diagnostics diagnostics) {
        this.elements = elements;
        this.types = types;
        this.type = type;
        this.declaredType = (DeclaredType) type.asType();
        this.shapes = shapes;
        this.diagnostics = diagnostics;
    }

    /**
     * Resolves {@code copyWith} and {@code removeWith}, reporting every problem of either.
     *
     * @param resolved the read as a member of the interface
     * @param members the instance methods of the interface, inherited ones included
     * @param described the read as messages name it
     * @param at where to report a problem with one of the annotation's values
     * @return the copy, empty when the read names none or its copyWith has a problem
     */
    Optional<Copy> resolve(ExecutableType resolved, AnnotationMirror readThrough, List<ExecutableElement> members,
            String described, Function<AnnotationValue, Position> at) {
        Optional<Copy> copy = copy(resolved, readThrough, members, described, at);
        Optional<String> removeWith = removeWith(resolved, readThrough, members, described, at);
        return copy.map(c -> c.withRemoveWith(removeWith.orElse(null)));
    }

    /**
     * The copy for {@code @ReadThrough(copyWith = "save")}: the named write, with one parameter, that takes
     * the result as it is, else the value of an {@code Optional} result, else each element of an
     * {@code Iterable} result.
     */
    private Optional<Copy> copy(ExecutableType resolved, AnnotationMirror readThrough, List<ExecutableElement> members,
            String described, Function<AnnotationValue, Position> at) {
        Optional<AnnotationValue> value = explicitValue(readThrough, "copyWith");
        String copyWith = value.map(v -> String.valueOf(v.getValue())).orElse("");
        if (copyWith.isEmpty()) {
            return Optional.empty();
        }
        Position position = at.apply(value.get());
        List<ExecutableElement> named = members.stream()
                .filter(m -> m.getSimpleName().contentEquals(copyWith))
                .toList();
        if (named.isEmpty()) {
            diagnostics.report(Message.COPY_WITH_MISSING, position, copyWith, described, type.getSimpleName());
            return Optional.empty();
        }
        List<ExecutableElement> writes = named.stream().filter(this::isWrite).toList();
        if (writes.isEmpty()) {
            diagnostics.report(Message.COPY_WITH_NOT_A_WRITE, position,
                    copyWith, described, describe(named.get(0)));
            return Optional.empty();
        }
        List<ExecutableElement> unary = writes.stream().filter(m -> m.getParameters().size() == 1).toList();
        if (unary.isEmpty()) {
            diagnostics.report(Message.COPY_WITH_ARITY, position,
                    copyWith, described, describe(writes.get(0)), writes.get(0).getParameters().size());
            return Optional.empty();
        }
        TypeMirror result = resolved.getReturnType();
        boolean throwsChecked = unary.stream().anyMatch(this::throwsChecked);
        if (unary.stream().anyMatch(write -> accepts(write, result))) {
            return Optional.of(new Copy(copyWith, Copy.Shape.RESULT, null, throwsChecked, null));
        }
        Optional<TypeMirror> optionalValue = shapes.typeArgumentOf(result, Optional.class);
        if (optionalValue.isPresent() && unary.stream().anyMatch(write -> accepts(write, optionalValue.get()))) {
            return Optional.of(new Copy(copyWith, Copy.Shape.OPTIONAL_VALUE, optionalValue.get(), throwsChecked, null));
        }
        Optional<TypeMirror> element = shapes.elementType(result);
        if (element.isPresent() && unary.stream().anyMatch(write -> accepts(write, element.get()))) {
            return Optional.of(new Copy(copyWith, Copy.Shape.EACH_ELEMENT, element.get(), throwsChecked, null));
        }
        diagnostics.report(Message.COPY_WITH_WRONG_TYPE, position,
                copyWith, described, describe(unary.get(0)), simpleName(result));
        return Optional.empty();
    }

    /**
     * The write of {@code @ReadThrough(removeWith = "deleteById")}: one that takes the read's own arguments, so that
     * it removes from the new model what the read asks for.
     */
    private Optional<String> removeWith(ExecutableType resolved, AnnotationMirror readThrough,
            List<ExecutableElement> members, String described, Function<AnnotationValue, Position> at) {
        Optional<AnnotationValue> value = explicitValue(readThrough, "removeWith");
        String removeWith = value.map(v -> String.valueOf(v.getValue())).orElse("");
        if (removeWith.isEmpty()) {
            return Optional.empty();
        }
        boolean fits = members.stream()
                .filter(m -> m.getSimpleName().contentEquals(removeWith))
                .filter(this::isWrite)
                .anyMatch(write -> takesArgumentsOf(write, resolved));
        if (fits) {
            return Optional.of(removeWith);
        }
        diagnostics.report(Message.REMOVE_WITH_UNUSABLE, at.apply(value.get()), removeWith, described);
        return Optional.empty();
    }

    private boolean takesArgumentsOf(ExecutableElement write, ExecutableType read) {
        ExecutableType resolvedWrite = (ExecutableType) types.asMemberOf(declaredType, write);
        List<? extends TypeMirror> wanted = read.getParameterTypes();
        List<? extends TypeMirror> taken = resolvedWrite.getParameterTypes();
        if (!resolvedWrite.getTypeVariables().isEmpty() || wanted.size() != taken.size()) {
            return false;
        }
        for (int i = 0; i < wanted.size(); i++) {
            if (!types.isAssignable(wanted.get(i), taken.get(i))) {
                return false;
            }
        }
        return true;
    }

    private boolean isWrite(ExecutableElement method) {
        if (find(method, WRITE).isPresent()) {
            return true;
        }
        return find(method, READ).isEmpty()
                && Operation.named(method.getSimpleName().toString()).orElse(null) == Operation.WRITE;
    }

    private boolean accepts(ExecutableElement write, TypeMirror value) {
        ExecutableType resolvedWrite = (ExecutableType) types.asMemberOf(declaredType, write);
        TypeMirror parameter = resolvedWrite.getParameterTypes().get(0);
        // A generic write such as <S extends T> S save(S entity) accepts whatever fits the bound.
        if (parameter instanceof TypeVariable variable
                && resolvedWrite.getTypeVariables().stream().anyMatch(v -> types.isSameType(v, variable))) {
            parameter = variable.getUpperBound();
        }
        return types.isAssignable(value, parameter);
    }

    private boolean throwsChecked(ExecutableElement method) {
        TypeMirror runtimeException = elements.getTypeElement(RuntimeException.class.getCanonicalName()).asType();
        TypeMirror error = elements.getTypeElement(Error.class.getCanonicalName()).asType();
        return method.getThrownTypes().stream()
                .anyMatch(t -> !types.isSubtype(t, runtimeException) && !types.isSubtype(t, error));
    }

    private String describe(ExecutableElement method) {
        return TypeDescriptions.method(method, type, types);
    }
}

package io.dualrepo.processor;

import static io.dualrepo.processor.Annotations.COMPARE;
import static io.dualrepo.processor.Annotations.READ;
import static io.dualrepo.processor.Annotations.READ_THROUGH;
import static io.dualrepo.processor.Annotations.ROUTING_KEY;
import static io.dualrepo.processor.Annotations.WRITE;
import static io.dualrepo.processor.Annotations.explicitValue;
import static io.dualrepo.processor.Annotations.find;
import static io.dualrepo.processor.TypeDescriptions.simpleName;

import io.dualrepo.processor.RoutedMethod.Copy;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.BaseStream;
import java.util.stream.Collectors;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.TypeVariable;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * The methods of one {@code @DualModel} interface: which the decorator routes and how, and what is wrong with
 * them. A problem of a method the interface declares is reported on that method; of an inherited one, on the
 * interface, since the super-interface may not even be in this compilation.
 */
final class MethodsAnalyzer {

    private final Elements elements;
    private final Types types;
    private final TypeElement type;
    private final DeclaredType declaredType;
    private final AnnotationMirror dualModel;
    private final Diagnostics diagnostics;
    private final SingleUseTypes singleUseTypes;
    private final TypeShapes shapes;
    private final CompareAnalyzer compareAnalyzer;
    private final StitchAnalyzer stitchAnalyzer;

    MethodsAnalyzer(Elements elements, Types types, TypeElement type, AnnotationMirror dualModel,
            Diagnostics diagnostics) {
        this.elements = elements;
        this.types = types;
        this.type = type;
        this.declaredType = (DeclaredType) type.asType();
        this.dualModel = dualModel;
        this.diagnostics = diagnostics;
        this.singleUseTypes = new SingleUseTypes(elements, types);
        this.shapes = new TypeShapes(elements, types);
        this.compareAnalyzer = new CompareAnalyzer(elements, types, shapes, diagnostics);
        this.stitchAnalyzer = new StitchAnalyzer(elements, types, shapes, diagnostics);
    }

    /** The routed methods, in the order the decorator declares them; reports every problem on the way. */
    List<RoutedMethod> analyze() {
        for (ExecutableElement method : ElementFilter.methodsIn(type.getEnclosedElements())) {
            if (method.getModifiers().contains(Modifier.STATIC) || method.getModifiers().contains(Modifier.PRIVATE)) {
                checkNotAnnotatedAsRouted(method);
            }
        }
        List<ExecutableElement> members = members();
        Map<ExecutableElement, Operation> operations = new LinkedHashMap<>();
        for (ExecutableElement method : members) {
            if (isRouted(method)) {
                operation(method).ifPresent(operation -> operations.put(method, operation));
            }
        }
        List<RoutedMethod> routed = new ArrayList<>();
        for (Map.Entry<ExecutableElement, Operation> entry : operations.entrySet()) {
            routed.add(routed(entry.getKey(), entry.getValue(), members));
        }
        return routed;
    }

    /**
     * The instance methods of the interface and its super-interfaces, each signature once (a method inherited
     * through two paths is implemented once), the interface's own first and in declaration order.
     */
    private List<ExecutableElement> members() {
        Set<ExecutableElement> all = new LinkedHashSet<>(ElementFilter.methodsIn(elements.getAllMembers(type)));
        List<ExecutableElement> ordered = new ArrayList<>();
        collectInDeclarationOrder(type, all, ordered, new LinkedHashSet<>());
        ordered.addAll(all);
        Map<String, ExecutableElement> bySignature = new LinkedHashMap<>();
        for (ExecutableElement method : ordered) {
            boolean instanceMethod = !method.getModifiers().contains(Modifier.STATIC)
                    && !method.getModifiers().contains(Modifier.PRIVATE);
            if (instanceMethod && !isObjectMethod(method)) {
                bySignature.putIfAbsent(signature(method), method);
            }
        }
        return List.copyOf(bySignature.values());
    }

    private void collectInDeclarationOrder(
            TypeElement current, Set<ExecutableElement> all, List<ExecutableElement> out, Set<TypeElement> seen) {
        if (!seen.add(current)) {
            return;
        }
        for (ExecutableElement method : ElementFilter.methodsIn(current.getEnclosedElements())) {
            if (all.remove(method)) {
                out.add(method);
            }
        }
        for (TypeMirror superInterface : current.getInterfaces()) {
            collectInDeclarationOrder((TypeElement) types.asElement(superInterface), all, out, seen);
        }
    }

    private String signature(ExecutableElement method) {
        ExecutableType resolved = (ExecutableType) types.asMemberOf(declaredType, method);
        return method.getSimpleName() + resolved.getParameterTypes().stream()
                .map(p -> types.erasure(p).toString())
                .collect(Collectors.joining(",", "(", ")"));
    }

    // An interface may redeclare equals, hashCode or toString; the decorator inherits Object's.
    private boolean isObjectMethod(ExecutableElement method) {
        if (method.getEnclosingElement().equals(elements.getTypeElement(Object.class.getCanonicalName()))) {
            return true;
        }
        String name = method.getSimpleName().toString();
        List<String> parameters = method.getParameters().stream()
                .map(p -> types.erasure(p.asType()).toString())
                .toList();
        return (name.equals("equals") && parameters.equals(List.of(Object.class.getName())))
                || (name.equals("hashCode") && parameters.isEmpty())
                || (name.equals("toString") && parameters.isEmpty());
    }

    private void checkNotAnnotatedAsRouted(ExecutableElement method) {
        String modifier = method.getModifiers().contains(Modifier.STATIC) ? "static" : "private";
        for (String annotationName : List.of(READ, WRITE)) {
            find(method, annotationName).ifPresent(mirror -> diagnostics.report(Message.NOT_ROUTABLE,
                    Position.of(method, mirror), Annotations.shortName(annotationName), modifier, describe(method)));
        }
    }

    /** Abstract methods are routed; default methods only when explicitly annotated, else they are inherited. */
    private boolean isRouted(ExecutableElement method) {
        if (!method.getModifiers().contains(Modifier.DEFAULT)) {
            return true;
        }
        if (find(method, READ).isPresent() || find(method, WRITE).isPresent()) {
            return true;
        }
        warnNotRouted(method);
        return false;
    }

    private void warnNotRouted(ExecutableElement method) {
        if (!method.getEnclosingElement().equals(type)) {
            return;
        }
        for (String annotationName : List.of(COMPARE, READ_THROUGH)) {
            find(method, annotationName).ifPresent(mirror -> diagnostics.report(Message.NOT_ROUTED_DEFAULT,
                    Position.of(method, mirror), Annotations.shortName(annotationName), describe(method)));
        }
        for (VariableElement parameter : method.getParameters()) {
            find(parameter, ROUTING_KEY).ifPresent(mirror -> diagnostics.report(
                    Message.NOT_ROUTED_DEFAULT, Position.of(parameter, mirror), "RoutingKey", describe(method)));
        }
    }

    /** Explicit {@code @Read} or {@code @Write} wins, else the name decides; reports when neither does. */
    private Optional<Operation> operation(ExecutableElement method) {
        Optional<AnnotationMirror> read = find(method, READ);
        Optional<AnnotationMirror> write = find(method, WRITE);
        if (read.isPresent() && write.isPresent()) {
            diagnostics.report(Message.READ_AND_WRITE, at(method, write.get()), describe(method));
            return Optional.empty();
        }
        if (read.isPresent()) {
            return Optional.of(Operation.READ);
        }
        if (write.isPresent()) {
            return Optional.of(Operation.WRITE);
        }
        Optional<Operation> named = Operation.named(method.getSimpleName().toString());
        if (named.isEmpty()) {
            diagnostics.report(Message.NEITHER_READ_NOR_WRITE, at(method), describe(method));
        }
        return named;
    }

    private RoutedMethod routed(ExecutableElement method, Operation operation, List<ExecutableElement> members) {
        ExecutableType resolved = (ExecutableType) types.asMemberOf(declaredType, method);
        if (operation == Operation.READ) {
            checkReadResult(method, resolved);
        }
        Optional<AnnotationMirror> compare = find(method, COMPARE);
        if (compare.isPresent() && operation == Operation.WRITE) {
            diagnostics.report(Message.COMPARE_ON_WRITE, at(method, compare.get()), describe(method));
        } else if (compare.isPresent()) {
            AnnotationMirror annotation = compare.get();
            compareAnalyzer.check(resolved, annotation, describe(method),
                    value -> method.getEnclosingElement().equals(type)
                            ? Position.of(method, annotation, value)
                            : at(method));
        }
        Optional<Copy> copy = Optional.empty();
        Optional<AnnotationMirror> readThrough = find(method, READ_THROUGH);
        if (readThrough.isPresent() && operation == Operation.WRITE) {
            diagnostics.report(Message.READ_THROUGH_ON_WRITE, at(method, readThrough.get()), describe(method));
        } else if (readThrough.isPresent()) {
            AnnotationMirror annotation = readThrough.get();
            // A stitched read copies nothing: its copyWith is reported as such, not checked as a copy.
            boolean stitched = stitchAnalyzer.check(method, resolved, annotation, compare, describe(method),
                    value -> method.getEnclosingElement().equals(type)
                            ? Position.of(method, annotation, value)
                            : at(method));
            if (!stitched) {
                copy = copy(method, resolved, annotation, members);
                Optional<String> removeWith = removeWith(method, resolved, annotation, members);
                copy = copy.map(c -> c.withRemoveWith(removeWith.orElse(null)));
            }
        }
        List<TypeMirror> lookupTypes = method.getParameters().stream()
                .map(p -> types.erasure(p.asType()))
                .toList();
        return new RoutedMethod(
                method, resolved, operation, lookupTypes, routingKey(method), checkSingleUseParameters(method, resolved), copy);
    }

    /** Refuses parameters that can be consumed only once; returns those declared Iterable, to be copied once. */
    private Set<VariableElement> checkSingleUseParameters(ExecutableElement method, ExecutableType resolved) {
        Set<VariableElement> copied = new LinkedHashSet<>();
        for (int i = 0; i < method.getParameters().size(); i++) {
            VariableElement parameter = method.getParameters().get(i);
            TypeMirror parameterType = resolved.getParameterTypes().get(i);
            Optional<String> elementArguments = singleUseTypes.elementArguments(parameterType);
            if (elementArguments.isPresent()) {
                Position position = method.getEnclosingElement().equals(type) ? Position.of(parameter) : at(method);
                diagnostics.report(Message.SINGLE_USE_PARAMETER, position, parameter.getSimpleName(),
                        describe(method), simpleName(parameterType), elementArguments.get());
            } else if (singleUseTypes.isCopiedOnce(parameterType)) {
                copied.add(parameter);
            }
        }
        return copied;
    }

    private void checkReadResult(ExecutableElement method, ExecutableType resolved) {
        TypeMirror result = resolved.getReturnType();
        Position position = find(method, READ).map(read -> at(method, read)).orElse(at(method));
        if (result.getKind() == TypeKind.VOID) {
            diagnostics.report(Message.READ_RETURNS_VOID, position, describe(method));
        } else if (shapes.isSubtypeOfErasure(result, BaseStream.class)
                || shapes.isSubtypeOfErasure(result, Iterator.class)) {
            diagnostics.report(Message.READ_RETURNS_SINGLE_USE, position, describe(method), simpleName(result));
        }
    }

    private Optional<VariableElement> routingKey(ExecutableElement method) {
        List<VariableElement> keys = method.getParameters().stream()
                .filter(p -> find(p, ROUTING_KEY).isPresent())
                .map(p -> (VariableElement) p)
                .toList();
        if (keys.size() > 1) {
            VariableElement second = keys.get(1);
            Position position = method.getEnclosingElement().equals(type)
                    ? Position.of(second, find(second, ROUTING_KEY).orElseThrow())
                    : at(method);
            String names = keys.stream().map(k -> "`" + k.getSimpleName() + "`").collect(Collectors.joining(", "));
            diagnostics.report(Message.ROUTING_KEY_TWICE, position, describe(method), names);
        }
        return keys.stream().findFirst();
    }

    /**
     * The copy for {@code @ReadThrough(copyWith = "save")}: the named write, with one parameter, that takes
     * the result as it is, else the value of an {@code Optional} result, else each element of an
     * {@code Iterable} result.
     */
    private Optional<Copy> copy(ExecutableElement read, ExecutableType resolved, AnnotationMirror readThrough,
            List<ExecutableElement> members) {
        Optional<AnnotationValue> value = explicitValue(readThrough, "copyWith");
        String copyWith = value.map(v -> String.valueOf(v.getValue())).orElse("");
        if (copyWith.isEmpty()) {
            return Optional.empty();
        }
        Position position = read.getEnclosingElement().equals(type)
                ? Position.of(read, readThrough, value.get())
                : at(read);
        List<ExecutableElement> named = members.stream()
                .filter(m -> m.getSimpleName().contentEquals(copyWith))
                .toList();
        if (named.isEmpty()) {
            diagnostics.report(Message.COPY_WITH_MISSING, position, copyWith, describe(read), type.getSimpleName());
            return Optional.empty();
        }
        List<ExecutableElement> writes = named.stream().filter(this::isWrite).toList();
        if (writes.isEmpty()) {
            diagnostics.report(Message.COPY_WITH_NOT_A_WRITE, position,
                    copyWith, describe(read), describe(named.get(0)));
            return Optional.empty();
        }
        List<ExecutableElement> unary = writes.stream().filter(m -> m.getParameters().size() == 1).toList();
        if (unary.isEmpty()) {
            diagnostics.report(Message.COPY_WITH_ARITY, position,
                    copyWith, describe(read), describe(writes.get(0)), writes.get(0).getParameters().size());
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
                copyWith, describe(read), describe(unary.get(0)), simpleName(result));
        return Optional.empty();
    }

    /**
     * The write of {@code @ReadThrough(removeWith = "deleteById")}: one that takes the read's own arguments, so that
     * it removes from the new model what the read asks for.
     */
    private Optional<String> removeWith(ExecutableElement read, ExecutableType resolved, AnnotationMirror readThrough,
            List<ExecutableElement> members) {
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
        Position position = read.getEnclosingElement().equals(type)
                ? Position.of(read, readThrough, value.get())
                : at(read);
        diagnostics.report(Message.REMOVE_WITH_UNUSABLE, position, removeWith, describe(read));
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

    /** Where a method's problem is reported: see the class comment. */
    private Position at(ExecutableElement method) {
        return method.getEnclosingElement().equals(type) ? Position.of(method) : Position.of(type, dualModel);
    }

    private Position at(ExecutableElement method, AnnotationMirror annotation) {
        return method.getEnclosingElement().equals(type)
                ? Position.of(method, annotation)
                : Position.of(type, dualModel);
    }

    /** {@code findById(String)}, or {@code CrudRepository.findById(Object)} for an inherited method. */
    private String describe(ExecutableElement method) {
        String owner = method.getEnclosingElement().equals(type)
                ? ""
                : method.getEnclosingElement().getSimpleName() + ".";
        ExecutableType resolved = (ExecutableType) types.asMemberOf(declaredType, method);
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

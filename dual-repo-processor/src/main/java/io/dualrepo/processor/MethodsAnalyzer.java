package io.dualrepo.processor;

import static io.dualrepo.processor.Annotations.COMPARE;
import static io.dualrepo.processor.Annotations.READ;
import static io.dualrepo.processor.Annotations.READ_THROUGH;
import static io.dualrepo.processor.Annotations.ROUTING_KEY;
import static io.dualrepo.processor.Annotations.WRITE;
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
import java.util.function.Function;
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
    private final CopyAnalyzer copyAnalyzer;

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
        this.copyAnalyzer = new CopyAnalyzer(elements, types, type, shapes, diagnostics);
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
        if (TypeDescriptions.owner(method).equals(elements.getTypeElement(Object.class.getCanonicalName()))) {
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
        if (!TypeDescriptions.owner(method).equals(type)) {
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
                    value -> TypeDescriptions.owner(method).equals(type)
                            ? Position.of(method, annotation, value)
                            : at(method));
        }
        Optional<Copy> copy = Optional.empty();
        Optional<AnnotationMirror> readThrough = find(method, READ_THROUGH);
        if (readThrough.isPresent() && operation == Operation.WRITE) {
            diagnostics.report(Message.READ_THROUGH_ON_WRITE, at(method, readThrough.get()), describe(method));
        } else if (readThrough.isPresent()) {
            AnnotationMirror annotation = readThrough.get();
            Function<AnnotationValue, Position> valueAt = value -> TypeDescriptions.owner(method).equals(type)
                    ? Position.of(method, annotation, value)
                    : at(method);
            // A stitched read copies nothing: its copyWith is reported as such, not checked as a copy.
            boolean stitched = stitchAnalyzer.check(method, resolved, annotation, compare, describe(method), valueAt);
            if (!stitched) {
                copy = copyAnalyzer.resolve(resolved, annotation, members, describe(method), valueAt);
            }
        }
        List<TypeMirror> lookupTypes = method.getParameters().stream()
                .map(p -> types.erasure(p.asType()))
                .toList();
        return new RoutedMethod(
                method, resolved, operation, lookupTypes, routingKey(method),
                checkSingleUseParameters(method, resolved), copy);
    }

    /** Refuses parameters that can be consumed only once; returns those declared Iterable, to be copied once. */
    private Set<VariableElement> checkSingleUseParameters(ExecutableElement method, ExecutableType resolved) {
        Set<VariableElement> copied = new LinkedHashSet<>();
        for (int i = 0; i < method.getParameters().size(); i++) {
            VariableElement parameter = method.getParameters().get(i);
            TypeMirror parameterType = resolved.getParameterTypes().get(i);
            Optional<String> elementArguments = singleUseTypes.elementArguments(parameterType);
            if (elementArguments.isPresent()) {
                Position position = TypeDescriptions.owner(method).equals(type) ? Position.of(parameter) : at(method);
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
            Position position = TypeDescriptions.owner(method).equals(type)
                    ? Position.of(second, find(second, ROUTING_KEY).orElseThrow())
                    : at(method);
            String names = keys.stream().map(k -> "`" + k.getSimpleName() + "`").collect(Collectors.joining(", "));
            diagnostics.report(Message.ROUTING_KEY_TWICE, position, describe(method), names);
        }
        return keys.stream().findFirst();
    }

    /** Where a method's problem is reported: see the class comment. */
    private Position at(ExecutableElement method) {
        return TypeDescriptions.owner(method).equals(type) ? Position.of(method) : Position.of(type, dualModel);
    }

    private Position at(ExecutableElement method, AnnotationMirror annotation) {
        return TypeDescriptions.owner(method).equals(type)
                ? Position.of(method, annotation)
                : Position.of(type, dualModel);
    }

    /** {@code findById(String)}, or {@code CrudRepository.findById(Object)} for an inherited method. */
    private String describe(ExecutableElement method) {
        return TypeDescriptions.method(method, type, types);
    }
}

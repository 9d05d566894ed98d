package io.dualrepo.processor;

import com.palantir.javapoet.ClassName;
import io.dualrepo.DualRepo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Checks one {@code @DualModel} type, and when it is valid describes the decorator to generate; its methods are
 * left to {@link MethodsAnalyzer}. Every problem is reported, not only the first, so that one compilation shows
 * the user all there is to fix.
 */
final class RepositoryAnalyzer {

    /** The rule {@code Decorated.of} enforces at run time, checked here so that it fails at compile time. */
    private static final Pattern VALID_NAME = Pattern.compile("[a-z][a-z0-9_-]*");

    private final Elements elements;
    private final Types types;

    RepositoryAnalyzer(ProcessingEnvironment environment) {
        this.elements = environment.getElementUtils();
        this.types = environment.getTypeUtils();
    }

    /** The {@code Dual*} class generated for a type: {@code p.Outer.Inner} gives {@code p.DualOuter_Inner}. */
    static ClassName decoratorName(TypeElement type, Elements elements) {
        List<String> names = new ArrayList<>();
        for (Element e = type; e instanceof TypeElement nested; e = nested.getEnclosingElement()) {
            names.add(0, nested.getSimpleName().toString());
        }
        String packageName = elements.getPackageOf(type).getQualifiedName().toString();
        return ClassName.get(packageName, "Dual" + String.join("_", names));
    }

    /**
     * The types javac could not yet resolve that the decorator depends on, each with where the interface uses it
     * ({@code `Widget`, which `findWidget()` returns}): another processor may generate them in a later round, so
     * the interface should be analysed again then rather than reported now. Empty when all are resolved.
     */
    List<String> unresolvedTypes(TypeElement type) {
        if (type.getKind() != ElementKind.INTERFACE) {
            return List.of();
        }
        Set<String> found = new LinkedHashSet<>();
        // directSupertypes leaves out a super-interface javac could not resolve; the declared list keeps it.
        List<TypeMirror> superTypes = new ArrayList<>(type.getInterfaces());
        superTypes.addAll(types.directSupertypes(type.asType()));
        for (TypeMirror superType : superTypes) {
            unresolved(superType).forEach(t -> found.add("`" + t + "`, which `" + type.getSimpleName() + "` extends"));
        }
        for (ExecutableElement method : ElementFilter.methodsIn(elements.getAllMembers(type))) {
            List<TypeMirror> returned = unresolved(method.getReturnType());
            List<TypeMirror> thrown = method.getThrownTypes().stream().flatMap(t -> unresolved(t).stream()).toList();
            Map<VariableElement, List<TypeMirror>> taken = new LinkedHashMap<>();
            for (VariableElement parameter : method.getParameters()) {
                List<TypeMirror> unresolved = unresolved(parameter.asType());
                if (!unresolved.isEmpty()) {
                    taken.put(parameter, unresolved);
                }
            }
            if (returned.isEmpty() && thrown.isEmpty() && taken.isEmpty()) {
                continue;
            }
            String described = TypeDescriptions.method(method, type, types);
            returned.forEach(t -> found.add("`" + t + "`, which `" + described + "` returns"));
            taken.forEach((parameter, unresolved) -> unresolved.forEach(t -> found.add(
                    "`" + t + "`, the type of parameter `" + parameter.getSimpleName() + "` of `" + described + "`")));
            thrown.forEach(t -> found.add("`" + t + "`, which `" + described + "` throws"));
        }
        return List.copyOf(found);
    }

    /** The unresolved types in a type: itself, or its type arguments, component type or wildcard bounds. */
    private List<TypeMirror> unresolved(TypeMirror type) {
        return switch (type.getKind()) {
            case ERROR -> List.of(type);
            case DECLARED -> ((DeclaredType) type).getTypeArguments().stream()
                    .flatMap(argument -> unresolved(argument).stream())
                    .toList();
            case ARRAY -> unresolved(((ArrayType) type).getComponentType());
            case WILDCARD -> {
                WildcardType wildcard = (WildcardType) type;
                List<TypeMirror> bounds = new ArrayList<>();
                if (wildcard.getExtendsBound() != null) {
                    bounds.addAll(unresolved(wildcard.getExtendsBound()));
                }
                if (wildcard.getSuperBound() != null) {
                    bounds.addAll(unresolved(wildcard.getSuperBound()));
                }
                yield bounds;
            }
            default -> List.of();
        };
    }

    /**
     * Checks a type annotated {@code @DualModel}, reporting every problem.
     *
     * @return the decorator to generate, or empty when an error was reported
     */
    Optional<Repository> analyze(TypeElement type, AnnotationMirror dualModel, Diagnostics diagnostics) {
        Optional<String> name = Annotations.dualModelName(dualModel);
        name.ifPresent(n -> checkName(n, type, dualModel, diagnostics));
        if (type.getKind() == ElementKind.ANNOTATION_TYPE) {
            diagnostics.report(Message.ANNOTATION_TYPE, Position.of(type, dualModel), type.getSimpleName());
            return Optional.empty();
        }
        if (type.getKind() != ElementKind.INTERFACE) {
            diagnostics.report(Message.NOT_AN_INTERFACE, Position.of(type, dualModel),
                    type.getSimpleName(), TypeDescriptions.kind(type));
            return Optional.empty();
        }
        ClassName decorator = decoratorName(type, elements);
        checkImplementable(type, dualModel, decorator, diagnostics);
        checkDecoratorNameFree(type, dualModel, decorator, diagnostics);
        List<RoutedMethod> methods = new MethodsAnalyzer(elements, types, type, dualModel, diagnostics).analyze();
        if (diagnostics.hasErrors() || name.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Repository(type, name.get(), decorator, methods));
    }

    private static void checkName(String name, TypeElement type, AnnotationMirror dualModel, Diagnostics diagnostics) {
        if (!VALID_NAME.matcher(name).matches()) {
            diagnostics.report(Message.INVALID_NAME,
                    Position.of(type, dualModel, Annotations.dualModelValue(dualModel).orElseThrow()),
                    name, suggestName(name, type));
        }
    }

    /** A valid name close to an invalid one, for the message: "Incident Store" gives "incident-store". */
    private static String suggestName(String name, TypeElement type) {
        String suggestion = name.replaceAll("([a-z0-9])([A-Z])", "$1-$2")
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9_-]+", "-")
                .replaceAll("^[^a-z]+", "")
                .replaceAll("-+$", "");
        if (suggestion.isEmpty()) {
            suggestion = type.getSimpleName().toString().replaceAll("Repository$", "")
                    .replaceAll("([a-z0-9])([A-Z])", "$1-$2")
                    .toLowerCase(Locale.ROOT)
                    .replaceAll("^[^a-z]+", "");
        }
        return suggestion.isEmpty() ? "incidents" : suggestion;
    }

    private void checkImplementable(
            TypeElement type, AnnotationMirror dualModel, ClassName decorator, Diagnostics diagnostics) {
        Position position = Position.of(type, dualModel);
        // javac does not show local types to processors, but other compilers may.
        if (type.getNestingKind() == NestingKind.LOCAL) {
            diagnostics.report(Message.LOCAL_INTERFACE, position, type.getSimpleName(), decorator.simpleName());
            return;
        }
        if (type.getModifiers().contains(Modifier.PRIVATE)) {
            diagnostics.report(Message.PRIVATE_INTERFACE, position, type.getSimpleName(), decorator.simpleName());
        }
        for (Element e = type.getEnclosingElement(); e instanceof TypeElement enclosing;
                e = enclosing.getEnclosingElement()) {
            if (enclosing.getNestingKind() == NestingKind.LOCAL
                    || enclosing.getNestingKind() == NestingKind.ANONYMOUS) {
                diagnostics.report(Message.LOCAL_INTERFACE, position, type.getSimpleName(), decorator.simpleName());
                return;
            }
            if (enclosing.getModifiers().contains(Modifier.PRIVATE)) {
                diagnostics.report(Message.PRIVATE_ENCLOSING_TYPE, position,
                        type.getSimpleName(), enclosing.getSimpleName(), decorator.simpleName());
            }
        }
        if (type.getModifiers().contains(Modifier.SEALED)) {
            diagnostics.report(Message.SEALED_INTERFACE, position, type.getSimpleName(), decorator.simpleName());
        }
    }

    private void checkDecoratorNameFree(
            TypeElement type, AnnotationMirror dualModel, ClassName decorator, Diagnostics diagnostics) {
        TypeElement existing = elements.getTypeElement(decorator.canonicalName());
        if (existing != null && !isEarlierDecorator(existing, type)) {
            diagnostics.report(Message.GENERATED_NAME_TAKEN, Position.of(type, dualModel),
                    decorator.simpleName(), type.getSimpleName());
        }
    }

    /**
     * Whether an existing type is this processor's output from an earlier build, as found on the class path by
     * an incremental build: {@code @Generated} is not kept in class files, so it is recognised by its shape.
     */
    private boolean isEarlierDecorator(TypeElement existing, TypeElement type) {
        TypeMirror decorated = types.erasure(type.asType());
        TypeMirror dualRepo = elements.getTypeElement(DualRepo.class.getCanonicalName()).asType();
        boolean implementsType = existing.getInterfaces().stream()
                .anyMatch(i -> types.isSameType(types.erasure(i), decorated));
        boolean hasDecoratorConstructor = ElementFilter.constructorsIn(existing.getEnclosedElements()).stream()
                .map(c -> c.getParameters().stream().map(p -> types.erasure(p.asType())).toList())
                .anyMatch(parameters -> parameters.size() == 3
                        && types.isSameType(parameters.get(0), decorated)
                        && types.isSameType(parameters.get(1), decorated)
                        && types.isSameType(parameters.get(2), dualRepo));
        return existing.getKind() == ElementKind.CLASS && implementsType && hasDecoratorConstructor;
    }
}

package io.dualrepo.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.JavaFile;
import io.dualrepo.DualModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;

/**
 * Generates, for each interface annotated {@link DualModel}, a decorator named {@code Dual} followed by the
 * interface's name (its enclosing types' names joined by {@code _} when nested: {@code Outer.Inner} gives
 * {@code DualOuter_Inner}) in the interface's package. The decorator implements the interface over an old and a
 * new model, and routes every call through the dual-repo runtime.
 *
 * <p>A problem with an interface is reported as a compile error on the element that causes it, and nothing is
 * generated for that interface.
 */
public final class DualModelProcessor extends AbstractProcessor {

    private RepositoryAnalyzer analyzer;
    private DecoratorWriter writer;

    /** Interfaces whose types another processor may still generate, by qualified name, analysed next round. */
    private final Set<String> deferred = new LinkedHashSet<>();

    /** {@code @DualModel} names already taken in this compilation, with the interface that took each. */
    private final Map<String, String> names = new HashMap<>();

    /** Decorators generated in this compilation: two interfaces may map to the same name. */
    private final Set<String> decorators = new HashSet<>();

    @Override
    public synchronized void init(ProcessingEnvironment processingEnv) {
        super.init(processingEnv);
        this.analyzer = new RepositoryAnalyzer(processingEnv);
        this.writer = new DecoratorWriter(processingEnv.getElementUtils(), DualModelProcessor.class.getName());
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return Set.of(DualModel.class.getCanonicalName());
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        TypeElement dualModel = processingEnv.getElementUtils().getTypeElement(DualModel.class.getCanonicalName());
        if (dualModel == null) {
            return false;
        }
        List<TypeElement> candidates = new ArrayList<>();
        for (String name : deferred) {
            TypeElement type = processingEnv.getElementUtils().getTypeElement(name);
            if (type != null) {
                candidates.add(type);
            }
        }
        deferred.clear();
        for (Element element : round.getElementsAnnotatedWith(dualModel)) {
            if (element instanceof TypeElement type && !candidates.contains(type)) {
                candidates.add(type);
            }
        }

        List<TypeElement> ready = new ArrayList<>();
        for (TypeElement type : candidates) {
            List<String> unresolved = unresolvedTypes(type);
            if (unresolved.isEmpty()) {
                ready.add(type);
            } else if (!round.processingOver()) {
                deferred.add(type.getQualifiedName().toString());
            } else {
                // javac reports each missing type where it is used, but without this the interface would be left
                // out silently, and its decorator missed only where it is called.
                new Diagnostics(processingEnv.getMessager()).report(Message.UNRESOLVED_TYPES, Position.of(type),
                        type.getQualifiedName(), String.join("; ", unresolved));
            }
        }
        Map<String, List<TypeElement>> byName = groupByName(ready);
        for (TypeElement type : ready) {
            process(type, byName);
        }
        byName.forEach((name, types) -> names.putIfAbsent(name, types.get(0).getQualifiedName().toString()));
        return false;
    }

    private List<String> unresolvedTypes(TypeElement type) {
        try {
            return analyzer.unresolvedTypes(type);
        } catch (RuntimeException e) {
            // Analysed at once, then, where the same failure is reported on the type.
            return List.of();
        }
    }

    private Map<String, List<TypeElement>> groupByName(List<TypeElement> types) {
        Map<String, List<TypeElement>> byName = new LinkedHashMap<>();
        for (TypeElement type : types) {
            Annotations.dualModel(type)
                    .flatMap(Annotations::dualModelName)
                    .ifPresent(name -> byName.computeIfAbsent(name, n -> new ArrayList<>()).add(type));
        }
        return byName;
    }

    private void process(TypeElement type, Map<String, List<TypeElement>> byName) {
        Diagnostics diagnostics = new Diagnostics(processingEnv.getMessager());
        try {
            Optional<AnnotationMirror> dualModel = Annotations.dualModel(type);
            if (dualModel.isEmpty()) {
                return;
            }
            checkNameUnique(type, dualModel.get(), byName, diagnostics);
            Optional<Repository> repository = analyzer.analyze(type, dualModel.get(), diagnostics);
            if (repository.isEmpty() || diagnostics.hasErrors()) {
                return;
            }
            ClassName decorator = repository.get().decorator();
            if (!decorators.add(decorator.canonicalName())) {
                diagnostics.report(Message.GENERATED_NAME_TAKEN, Position.of(type, dualModel.get()),
                        decorator.simpleName(), type.getSimpleName());
                return;
            }
            JavaFile file = writer.write(repository.get());
            try {
                file.writeTo(processingEnv.getFiler());
            } catch (IOException e) {
                diagnostics.report(Message.WRITE_FAILED, Position.of(type), decorator.canonicalName(),
                        type.getQualifiedName(), e);
            }
        } catch (RuntimeException e) {
            // Never let an exception escape: javac would show a stack trace instead of pointing at the source.
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            diagnostics.report(Message.UNEXPECTED, Position.of(type), type.getQualifiedName(), e, trace);
        }
    }

    private void checkNameUnique(TypeElement type, AnnotationMirror dualModel,
            Map<String, List<TypeElement>> byName, Diagnostics diagnostics) {
        Optional<String> name = Annotations.dualModelName(dualModel);
        if (name.isEmpty()) {
            return;
        }
        String other = names.get(name.get());
        if (other == null) {
            other = byName.getOrDefault(name.get(), List.of()).stream()
                    .filter(t -> !t.equals(type))
                    .map(t -> t.getQualifiedName().toString())
                    .findFirst()
                    .orElse(null);
        }
        if (other != null) {
            diagnostics.report(Message.DUPLICATE_NAME,
                    Position.of(type, dualModel, Annotations.dualModelValue(dualModel).orElseThrow()),
                    name.get(), other);
        }
    }
}

package io.dualrepo.processor;

import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.Completion;
import javax.annotation.processing.Filer;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * Runs a processor with a {@link Filer} that tells a listener the name of every source file it is asked to create,
 * before creating it: the listener may also throw, as a failing file system would.
 */
final class RecordingProcessor implements Processor {

    /** Told of each source file the processor creates. */
    @FunctionalInterface
    interface Listener {
        void creating(String typeName) throws IOException;
    }

    private final Processor delegate;
    private final Listener created;

    RecordingProcessor(Processor delegate, Listener created) {
        this.delegate = delegate;
        this.created = created;
    }

    @Override
    public void init(ProcessingEnvironment environment) {
        Filer filer = forwarding(Filer.class, environment.getFiler(), Map.of(), (name, arguments) -> {
            if (name.equals("createSourceFile")) {
                created.creating(arguments[0].toString());
            }
        });
        delegate.init(forwarding(ProcessingEnvironment.class, environment, Map.of("getFiler", filer), (n, a) -> {}));
    }

    @Override
    public Set<String> getSupportedOptions() {
        return delegate.getSupportedOptions();
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return delegate.getSupportedAnnotationTypes();
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return delegate.getSupportedSourceVersion();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        return delegate.process(annotations, round);
    }

    @Override
    public Iterable<? extends Completion> getCompletions(
            Element element, AnnotationMirror annotation, ExecutableElement member, String userText) {
        return delegate.getCompletions(element, annotation, member, userText);
    }

    private interface Observer {
        void called(String method, Object[] arguments) throws IOException;
    }

    /**
     * A proxy calling {@code target} after telling {@code observer}, except for the methods named in
     * {@code replacements}, which answer their value instead.
     */
    private static <T> T forwarding(Class<T> type, T target, Map<String, Object> replacements, Observer observer) {
        InvocationHandler handler = (proxy, method, arguments) -> {
            observer.called(method.getName(), arguments);
            if (replacements.containsKey(method.getName())) {
                return replacements.get(method.getName());
            }
            try {
                return method.invoke(target, arguments);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }
}

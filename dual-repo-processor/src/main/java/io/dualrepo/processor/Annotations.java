package io.dualrepo.processor;

import io.dualrepo.Compare;
import io.dualrepo.DualModel;
import io.dualrepo.Read;
import io.dualrepo.ReadThrough;
import io.dualrepo.RoutingKey;
import io.dualrepo.Write;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;

/**
 * The dual-repo annotations as the processor reads them: as mirrors, which carry the source positions messages
 * point at, and which (unlike {@code getAnnotation}) read class values without loading the class.
 */
final class Annotations {

    static final String DUAL_MODEL = DualModel.class.getCanonicalName();
    static final String READ = Read.class.getCanonicalName();
    static final String WRITE = Write.class.getCanonicalName();
    static final String COMPARE = Compare.class.getCanonicalName();
    static final String READ_THROUGH = ReadThrough.class.getCanonicalName();
    static final String ROUTING_KEY = RoutingKey.class.getCanonicalName();

    private Annotations() {}

    static Optional<AnnotationMirror> find(Element element, String qualifiedName) {
        for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
            TypeElement annotationType = (TypeElement) mirror.getAnnotationType().asElement();
            if (annotationType.getQualifiedName().contentEquals(qualifiedName)) {
                return Optional.of(mirror);
            }
        }
        return Optional.empty();
    }

    /** A value written in the annotation, not a default: only those have a position in the source. */
    static Optional<AnnotationValue> explicitValue(AnnotationMirror mirror, String name) {
        for (Map.Entry<? extends Element, ? extends AnnotationValue> entry : mirror.getElementValues().entrySet()) {
            if (entry.getKey().getSimpleName().contentEquals(name)) {
                return Optional.of(entry.getValue());
            }
        }
        return Optional.empty();
    }

    static Optional<AnnotationMirror> dualModel(TypeElement type) {
        return find(type, DUAL_MODEL);
    }

    static Optional<AnnotationValue> dualModelValue(AnnotationMirror dualModel) {
        return explicitValue(dualModel, "value");
    }

    /** The {@code @DualModel} name, absent when javac could not read it (it reports that itself). */
    static Optional<String> dualModelName(AnnotationMirror dualModel) {
        return dualModelValue(dualModel)
                .map(AnnotationValue::getValue)
                .filter(String.class::isInstance)
                .map(String.class::cast);
    }

    /** {@code "Read"} for {@code "io.dualrepo.Read"}: how messages name an annotation, after an {@code @}. */
    static String shortName(String qualifiedName) {
        return qualifiedName.substring(qualifiedName.lastIndexOf('.') + 1);
    }
}

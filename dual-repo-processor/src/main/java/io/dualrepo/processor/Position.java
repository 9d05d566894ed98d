package io.dualrepo.processor;

import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import org.jspecify.annotations.Nullable;

/**
 * Where a message points in the user's source: an element, and where possible the annotation, or the annotation
 * value, that caused it.
 */
record Position(Element element, @Nullable AnnotationMirror annotation, @Nullable AnnotationValue value) {

    static Position of(Element element) {
        return new Position(element, null, null);
    }

    static Position of(Element element, AnnotationMirror annotation) {
        return new Position(element, annotation, null);
    }

    static Position of(Element element, AnnotationMirror annotation, AnnotationValue value) {
        return new Position(element, annotation, value);
    }
}

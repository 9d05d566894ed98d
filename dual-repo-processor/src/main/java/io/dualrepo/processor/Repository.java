package io.dualrepo.processor;

import com.palantir.javapoet.ClassName;
import java.util.List;
import javax.lang.model.element.TypeElement;

/**
 * A valid {@code @DualModel} interface: everything the decorator is generated from.
 *
 * @param element the interface
 * @param name the {@code @DualModel} name
 * @param decorator the generated class
 * @param methods the methods the decorator routes, in declaration order, the interface's own first
 */
record Repository(TypeElement element, String name, ClassName decorator, List<RoutedMethod> methods) {}

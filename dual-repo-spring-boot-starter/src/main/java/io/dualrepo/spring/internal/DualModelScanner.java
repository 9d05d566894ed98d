package io.dualrepo.spring.internal;

import io.dualrepo.DualModel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * Finds the {@code @DualModel} interfaces under the application's packages. Spring's component scan skips
 * interfaces, so the candidate test is turned around: interfaces only.
 */
final class DualModelScanner {

    private DualModelScanner() {}

    /** The interfaces, each once, in the order the packages are given. */
    static List<Class<?>> scan(List<String> packages, Environment environment, ResourceLoader resourceLoader) {
        ClassPathScanningCandidateComponentProvider scanner =
                new ClassPathScanningCandidateComponentProvider(false, environment) {
                    @Override
                    protected boolean isCandidateComponent(AnnotatedBeanDefinition definition) {
                        return definition.getMetadata().isInterface() && definition.getMetadata().isIndependent();
                    }
                };
        scanner.setResourceLoader(resourceLoader);
        scanner.addIncludeFilter(new AnnotationTypeFilter(DualModel.class, false));
        Set<String> names = new LinkedHashSet<>();
        for (String basePackage : packages) {
            for (BeanDefinition candidate : scanner.findCandidateComponents(basePackage)) {
                names.add(candidate.getBeanClassName());
            }
        }
        List<Class<?>> interfaces = new ArrayList<>();
        for (String name : names) {
            interfaces.add(ClassUtils.resolveClassName(name, resourceLoader.getClassLoader()));
        }
        return interfaces;
    }

    /**
     * The name dual-repo-processor gives the decorator: {@code p.Outer.Inner} gives {@code p.DualOuter_Inner}
     * (the processor's {@code RepositoryAnalyzer.decoratorName}).
     */
    static String decoratorName(Class<?> dualModel) {
        String packageName = dualModel.getPackageName();
        String nested = packageName.isEmpty() ? dualModel.getName()
                : dualModel.getName().substring(packageName.length() + 1);
        String simple = "Dual" + nested.replace('$', '_');
        return packageName.isEmpty() ? simple : packageName + "." + simple;
    }
}

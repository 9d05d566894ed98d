package io.dualrepo.spring.internal;

import io.dualrepo.DualModel;
import io.dualrepo.DualRepo;
import io.dualrepo.spring.DualRepoProperties;
import java.lang.reflect.Constructor;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * Registers, for every {@code @DualModel} interface under the application's auto-configuration packages (those of
 * its {@code @SpringBootApplication}), the generated decorator as the primary bean of the interface. The models
 * are looked up when the decorator is created ({@link ModelBeans}), once every bean definition is known, so they
 * may come from anywhere: component scan, {@code @Bean} methods, other auto-configurations.
 */
public final class DecoratorRegistrar
        implements ImportBeanDefinitionRegistrar, BeanFactoryAware, EnvironmentAware, ResourceLoaderAware {

    private static final Logger log = LoggerFactory.getLogger(DecoratorRegistrar.class);

    // Set by Spring through the Aware callbacks before it calls registerBeanDefinitions.
    @SuppressWarnings("NullAway.Init")
    private ConfigurableListableBeanFactory beanFactory;
    @SuppressWarnings("NullAway.Init")
    private Environment environment;
    @SuppressWarnings("NullAway.Init")
    private ResourceLoader resourceLoader;

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
    }

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void setResourceLoader(ResourceLoader resourceLoader) {
        this.resourceLoader = resourceLoader;
    }

    @Override
    public void registerBeanDefinitions(AnnotationMetadata importing, BeanDefinitionRegistry registry) {
        if (!environment.getProperty("dualrepo.decorators.enabled", Boolean.class, true)) {
            log.debug("dualrepo.decorators.enabled=false: no @DualModel decorator is registered");
            return;
        }
        if (!AutoConfigurationPackages.has(beanFactory)) {
            log.debug("no auto-configuration packages (no @SpringBootApplication): no @DualModel decorator is"
                    + " registered");
            return;
        }
        List<Class<?>> dualModels =
                DualModelScanner.scan(AutoConfigurationPackages.get(beanFactory), environment, resourceLoader);
        for (Class<?> dualModel : dualModels) {
            register(dualModel, registry);
        }
        warnOfUnknownRepositories(dualModels);
    }

    private void register(Class<?> dualModel, BeanDefinitionRegistry registry) {
        String decoratorName = DualModelScanner.decoratorName(dualModel);
        ClassLoader classLoader = resourceLoader.getClassLoader();
        if (!ClassUtils.isPresent(decoratorName, classLoader)) {
            throw new DualModelWiringException(decoratorName, "@DualModel " + dualModel.getCanonicalName()
                    + " has no generated decorator " + decoratorName, "Put io.dualrepo:dual-repo-processor on the"
                    + " annotation processor path of the module that holds the interface, and rebuild it");
        }
        Class<?> decorator = ClassUtils.resolveClassName(decoratorName, classLoader);
        Constructor<?> constructor;
        try {
            constructor = decorator.getConstructor(dualModel, dualModel, DualRepo.class);
        } catch (NoSuchMethodException e) {
            throw new DualModelWiringException(decoratorName, decoratorName + " has no public constructor ("
                    + dualModel.getSimpleName() + ", " + dualModel.getSimpleName() + ", DualRepo)",
                    "Rebuild it with the dual-repo-processor of the same version as dual-repo-core");
        }
        String beanName = decorator.getName();
        RootBeanDefinition definition = new RootBeanDefinition(decorator);
        definition.setPrimary(true);
        definition.setDescription("dual-repo decorator of @DualModel " + dualModel.getCanonicalName());
        definition.setInstanceSupplier(() -> ModelBeans.decorator(beanFactory, beanName, dualModel, constructor));
        registry.registerBeanDefinition(beanName, definition);
        log.debug("registered {} as the primary {} bean", beanName, dualModel.getCanonicalName());
    }

    /**
     * A misspelt repository name under dualrepo.repositories would otherwise leave its stage and settings silently
     * unused (the runtime says so too, but only when it is closed).
     */
    private void warnOfUnknownRepositories(List<Class<?>> dualModels) {
        Set<String> known = new TreeSet<>();
        for (Class<?> dualModel : dualModels) {
            known.add(dualModel.getAnnotation(DualModel.class).value());
        }
        Map<String, DualRepoProperties.Repository> configured = Binder.get(environment)
                .bind("dualrepo.repositories", Bindable.mapOf(String.class, DualRepoProperties.Repository.class))
                .orElse(Map.of());
        for (String name : configured.keySet()) {
            if (!known.contains(name)) {
                log.warn("dualrepo.repositories.{} names no @DualModel interface in the application's packages"
                        + " (found: {})", name, known.isEmpty() ? "none" : String.join(", ", known));
            }
        }
    }
}

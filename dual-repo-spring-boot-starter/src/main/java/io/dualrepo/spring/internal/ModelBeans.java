package io.dualrepo.spring.internal;

import io.dualrepo.DualRepo;
import io.dualrepo.spring.NewModel;
import io.dualrepo.spring.OldModel;
import java.lang.annotation.Annotation;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

/**
 * Finds a decorator's two models among the beans of its interface by their marks, never by bean name: names are
 * whatever the application's own conventions made them, and a rename must not rewire a migration.
 */
final class ModelBeans {

    private ModelBeans() {}

    /** Builds the decorator of {@code dualModel} from its marked models and the application's {@link DualRepo}. */
    static Object decorator(ConfigurableListableBeanFactory beans, String decoratorBean, Class<?> dualModel,
            Constructor<?> constructor) {
        String oldBean = marked(beans, decoratorBean, dualModel, OldModel.class, NewModel.class);
        String newBean = marked(beans, decoratorBean, dualModel, NewModel.class, OldModel.class);
        Object oldModel = beans.getBean(oldBean, dualModel);
        Object newModel = beans.getBean(newBean, dualModel);
        DualRepo dualRepo = beans.getBean(DualRepo.class);
        // So that at shut-down the decorator goes first, before what it calls.
        beans.registerDependentBean(oldBean, decoratorBean);
        beans.registerDependentBean(newBean, decoratorBean);
        for (String name : beans.getBeanNamesForType(DualRepo.class)) {
            beans.registerDependentBean(name, decoratorBean);
        }
        return BeanUtils.instantiateClass(constructor, oldModel, newModel, dualRepo);
    }

    private static String marked(ConfigurableListableBeanFactory beans, String decoratorBean, Class<?> dualModel,
            Class<? extends Annotation> mark, Class<? extends Annotation> otherMark) {
        List<String> candidates = new ArrayList<>();
        List<String> found = new ArrayList<>();
        for (String name : beans.getBeanNamesForType(dualModel)) {
            if (name.equals(decoratorBean)) {
                continue;
            }
            candidates.add(name);
            if (beans.findAnnotationOnBean(name, mark) != null) {
                if (beans.findAnnotationOnBean(name, otherMark) != null) {
                    throw new DualModelWiringException(decoratorBean, "Bean '" + name + "' of type "
                            + dualModel.getCanonicalName() + " is marked both @" + OldModel.class.getSimpleName()
                            + " and @" + NewModel.class.getSimpleName(),
                            "Mark it with one of them: the old and the new model must be two beans");
                }
                found.add(name);
            }
        }
        String type = dualModel.getCanonicalName();
        String what = "the decorator " + constructorOwner(dualModel) + " of @DualModel " + type;
        if (found.isEmpty()) {
            throw new DualModelWiringException(decoratorBean, "No bean of type " + type
                    + " is marked @" + mark.getSimpleName() + ", so " + what + " cannot be built (beans of that"
                    + " type: " + (candidates.isEmpty() ? "none" : String.join(", ", candidates)) + ")",
                    "Put @" + mark.getName() + " on the class or the @Bean method of the "
                            + (mark == OldModel.class ? "old" : "new") + " model's implementation, or set"
                            + " dualrepo.decorators.enabled=false and wire the decorators yourself");
        }
        if (found.size() > 1) {
            throw new DualModelWiringException(decoratorBean, found.size() + " beans of type " + type
                    + " are marked @" + mark.getSimpleName() + " (" + String.join(", ", found) + "), so " + what
                    + " cannot choose", "Keep @" + mark.getSimpleName() + " on one of them");
        }
        return found.get(0);
    }

    private static String constructorOwner(Class<?> dualModel) {
        String name = DualModelScanner.decoratorName(dualModel);
        return name.substring(name.lastIndexOf('.') + 1);
    }
}

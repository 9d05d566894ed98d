package io.dualrepo.spring.jpa;

import io.dualrepo.spring.DualRepoAutoConfiguration;
import io.dualrepo.spring.DualRepoProperties;
import io.dualrepo.spring.DualRepoProperties.WriteScope;
import io.dualrepo.write.DualWriteScope;
import jakarta.persistence.EntityManagerFactory;
import java.util.List;
import org.hibernate.SessionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Builds the {@link SpringSameDatabaseScope} that {@code dualrepo.write-scope} asks for, over the application's one
 * {@link JpaTransactionManager}, unless the application defines its own {@link DualWriteScope}. Off by default: the
 * starter cannot tell that both models write through JPA, and a scope over models that do not (one in memory, one
 * behind HTTP) would promise a transaction they take no part in.
 */
@AutoConfiguration(before = DualRepoAutoConfiguration.class, afterName = {
        "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
        "org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration"})
@ConditionalOnClass({EntityManagerFactory.class, JpaTransactionManager.class, SessionFactory.class})
@ConditionalOnBooleanProperty(name = "dualrepo.enabled", matchIfMissing = true)
@Conditional(DualRepoJpaAutoConfiguration.WriteScopeRequested.class)
@EnableConfigurationProperties(DualRepoProperties.class)
public class DualRepoJpaAutoConfiguration {

    @Bean(DualRepoAutoConfiguration.WRITE_SCOPE_BEAN)
    @ConditionalOnMissingBean(DualWriteScope.class)
    public SpringSameDatabaseScope dualRepoWriteScope(DualRepoProperties properties,
            ObjectProvider<PlatformTransactionManager> transactionManagers) {
        List<PlatformTransactionManager> managers = transactionManagers.orderedStream().toList();
        if (managers.size() != 1 || !(managers.get(0) instanceof JpaTransactionManager jpa)) {
            throw new IllegalStateException("Invalid dualrepo.write-scope: " + properties.getWriteScope() + " needs"
                    + " exactly one PlatformTransactionManager, a JpaTransactionManager over the EntityManagerFactory"
                    + " both models write through; found " + managers.stream()
                            .map(manager -> manager.getClass().getName()).toList()
                    + ". Define the DualWriteScope yourself (SpringSameDatabaseScope.of(yourJpaTransactionManager))"
                    + " or set dualrepo.write-scope=none");
        }
        return properties.getWriteScope() == WriteScope.SAME_DATABASE_BOTH_OR_NEITHER
                ? SpringSameDatabaseScope.bothOrNeither(jpa)
                : SpringSameDatabaseScope.of(jpa);
    }

    /** Matches when {@code dualrepo.write-scope} names a scope other than none. */
    static final class WriteScopeRequested extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            WriteScope scope = Binder.get(context.getEnvironment())
                    .bind("dualrepo.write-scope", WriteScope.class).orElse(WriteScope.NONE);
            return scope == WriteScope.NONE
                    ? ConditionOutcome.noMatch("dualrepo.write-scope is none")
                    : ConditionOutcome.match("dualrepo.write-scope is " + scope);
        }
    }
}

package io.dualrepo.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import io.dualrepo.DualRepo;
import io.dualrepo.spring.DualRepoAutoConfigurationTest.NoteModels;
import io.dualrepo.spring.jpa.DualRepoJpaAutoConfiguration;
import io.dualrepo.write.DualWriteScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * {@code dualrepo.write-scope} outside a JPA application: off by default, a start-up failure that names the property
 * when the scope cannot be built, and the application's own scope always wins. The scope inside a JPA application is
 * {@code jpa.app.SameDatabaseWriteScopeTest}'s.
 */
@ExtendWith(OutputCaptureExtension.class)
class WriteScopePropertyTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DualRepoAutoConfiguration.class,
                    DualRepoJpaAutoConfiguration.class))
            .withUserConfiguration(NoteModels.class);

    @Test
    void noScopeByDefault() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(DualWriteScope.class);
            assertThat(context.getBean(DualRepo.class).settings().dualWriteScope()).isSameAs(DualWriteScope.NONE);
        });
    }

    @Test
    void aScopeAskedForWithoutSpringsJpaStopsStartUpNamingTheProperty() {
        runner.withClassLoader(new FilteredClassLoader(JpaTransactionManager.class))
                .withPropertyValues("dualrepo.write-scope=same-database")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("Invalid dualrepo.write-scope: SAME_DATABASE needs spring-orm"));
    }

    @Test
    void aScopeAskedForWithATransactionManagerOtherThanJpasStopsStartUpNamingIt() {
        runner.withPropertyValues("dualrepo.write-scope=same-database-both-or-neither")
                .withBean(PlatformTransactionManager.class, () -> mock(PlatformTransactionManager.class))
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("Invalid dualrepo.write-scope: SAME_DATABASE_BOTH_OR_NEITHER needs"
                                + " exactly one PlatformTransactionManager, a JpaTransactionManager"));
    }

    @Test
    void theApplicationsOwnScopeWinsOverTheProperty(CapturedOutput output) {
        DualWriteScope own = new DualWriteScope() {
            @Override
            public <R> R run(io.dualrepo.write.DualWrite<R> write) throws Throwable {
                return DualWriteScope.NONE.run(write);
            }
        };
        runner.withPropertyValues("dualrepo.write-scope=same-database")
                .withBean(DualWriteScope.class, () -> own)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(DualRepo.class).settings().dualWriteScope()).isSameAs(own);
                });
        assertThat(output).contains("dualrepo.write-scope=SAME_DATABASE is ignored");
    }
}

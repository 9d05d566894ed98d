package io.dualrepo.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.spring.fixtures.nested.Catalog;
import io.dualrepo.spring.internal.DualModelWiringFailureAnalyzer;
import io.dualrepo.spring.fixtures.notes.InMemoryNotes;
import io.dualrepo.spring.fixtures.notes.Note;
import io.dualrepo.spring.fixtures.notes.NoteRepository;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Every @DualModel decorator becomes the primary bean of its interface, over the models its marks name. */
class DecoratorWiringTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DualRepoAutoConfiguration.class))
            .withUserConfiguration(NotesPackage.class);

    @Test
    void theInterfaceGivesTheDecoratorAndTheMarksGiveEachModel() {
        runner.withUserConfiguration(MarkedBeanMethods.class, Consumer.class)
                .withPropertyValues("dualrepo.repositories.notes.stage=DUAL_WRITE")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Consumer consumer = context.getBean(Consumer.class);
                    assertThat(consumer.notes.getClass().getName())
                            .isEqualTo("io.dualrepo.spring.fixtures.notes.DualNoteRepository");
                    assertThat(consumer.oldNotes).isSameAs(context.getBean("legacyNotes"));
                    assertThat(consumer.newNotes).isSameAs(context.getBean("noteTable"));

                    consumer.notes.save(new Note("n-1", "hello"));
                    assertThat(((InMemoryNotes) consumer.oldNotes).rows).containsKey("n-1");
                    assertThat(((InMemoryNotes) consumer.newNotes).rows).containsKey("n-1");
                });
    }

    @Test
    void marksOnTheModelsClassesCountAsMuchAsOnBeanMethodsAndBeanNamesDoNot() {
        // Named as a user who relied on names would have named them the other way round: the marks decide.
        runner.withBean("newModel", OldClassNotes.class).withBean("oldModel", NewClassNotes.class)
                .withPropertyValues("dualrepo.default-stage=DUAL_WRITE")
                .run(context -> {
                    context.getBean(NoteRepository.class).save(new Note("n-1", "hello"));
                    assertThat(context.getBean(OldClassNotes.class).rows).containsKey("n-1");
                    assertThat(context.getBean(NewClassNotes.class).rows).containsKey("n-1");
                    // OLD_ONLY-style reads still come from OLD in DUAL_WRITE: the class marked @OldModel.
                    context.getBean(OldClassNotes.class).rows.put("n-2", new Note("n-2", "old"));
                    assertThat(context.getBean(NoteRepository.class).findById("n-2"))
                            .contains(new Note("n-2", "old"));
                });
    }

    @Test
    void findsADualModelNestedInAClassUnderTheNameTheProcessorGaveIt() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DualRepoAutoConfiguration.class))
                .withUserConfiguration(Catalog.Models.class)
                .run(context -> {
                    Catalog.TagRepository tags = context.getBean(Catalog.TagRepository.class);
                    assertThat(tags.getClass().getName())
                            .isEqualTo("io.dualrepo.spring.fixtures.nested.DualCatalog_TagRepository");
                    assertThat(tags.findLabel("t-1")).contains("old t-1");
                });
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DualRepoAutoConfiguration.class))
                .withUserConfiguration(Catalog.Models.class)
                .withPropertyValues("dualrepo.repositories.tags.stage=NEW_ONLY", "dualrepo.enforce-transitions=false")
                .run(context -> assertThat(context.getBean(Catalog.TagRepository.class).findLabel("t-1"))
                        .contains("new t-1"));
    }

    @Test
    void aMissingOldModelFailsStartUpSayingWhatToMark() {
        runner.withBean("plainNotes", InMemoryNotes.class).withBean("noteTable", NewClassNotes.class)
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).hasStackTraceContaining("No bean of type"
                            + " io.dualrepo.spring.fixtures.notes.NoteRepository is marked @OldModel, so the"
                            + " decorator DualNoteRepository of @DualModel"
                            + " io.dualrepo.spring.fixtures.notes.NoteRepository cannot be built (beans of that"
                            + " type: plainNotes, noteTable). Put @io.dualrepo.spring.OldModel on the class or the"
                            + " @Bean method of the old model's implementation, or set"
                            + " dualrepo.decorators.enabled=false and wire the decorators yourself");
                });
    }

    @Test
    void twoNewModelsFailStartUpNamingBoth() {
        runner.withBean("legacy", OldClassNotes.class).withBean("tableA", NewClassNotes.class)
                .withBean("tableB", NewClassNotes.class, NewClassNotes::new)
                .run(context -> assertThat(context.getStartupFailure()).hasStackTraceContaining("2 beans of type"
                        + " io.dualrepo.spring.fixtures.notes.NoteRepository are marked @NewModel (tableA, tableB),"
                        + " so the decorator DualNoteRepository of @DualModel"
                        + " io.dualrepo.spring.fixtures.notes.NoteRepository cannot choose. Keep @NewModel on one of"
                        + " them"));
    }

    @Test
    void oneBeanMarkedBothWaysFailsStartUp() {
        runner.withUserConfiguration(MarkedTwice.class).run(context ->
                assertThat(context.getStartupFailure()).hasStackTraceContaining("Bean 'both' of type"
                        + " io.dualrepo.spring.fixtures.notes.NoteRepository is marked both @OldModel and @NewModel."
                        + " Mark it with one of them: the old and the new model must be two beans"));
    }

    @Test
    void aDecoratorThatWasNeverGeneratedFailsStartUpSayingToAddTheProcessor() {
        // As if the processor had not run: the generated class is hidden from the context's class loader.
        runner.withUserConfiguration(MarkedBeanMethods.class)
                .withClassLoader(new FilteredClassLoader("io.dualrepo.spring.fixtures.notes.DualNoteRepository"))
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).hasStackTraceContaining("@DualModel"
                            + " io.dualrepo.spring.fixtures.notes.NoteRepository has no generated decorator"
                            + " io.dualrepo.spring.fixtures.notes.DualNoteRepository. Put"
                            + " io.dualrepo:dual-repo-processor on the annotation processor path of the module that"
                            + " holds the interface, and rebuild it");
                    FailureAnalysis analysis = new DualModelWiringFailureAnalyzer()
                            .analyze(context.getStartupFailure());
                    assertThat(analysis).isNotNull();
                    assertThat(analysis.getAction()).startsWith("Put io.dualrepo:dual-repo-processor");
                });
    }

    @Test
    void turnedOffNoDecoratorIsRegisteredAndTheRuntimeStillIs() {
        runner.withUserConfiguration(MarkedBeanMethods.class)
                .withPropertyValues("dualrepo.decorators.enabled=false")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasBean("dualRepo");
                    assertThat(context.getBeansOfType(NoteRepository.class)).containsOnlyKeys("legacyNotes",
                            "noteTable");
                });
    }

    @Configuration(proxyBeanMethods = false)
    @AutoConfigurationPackage(basePackageClasses = NoteRepository.class)
    static class NotesPackage {}

    @Configuration(proxyBeanMethods = false)
    static class MarkedBeanMethods {
        @Bean
        @OldModel
        InMemoryNotes legacyNotes() {
            return new InMemoryNotes();
        }

        @Bean
        @NewModel
        NoteRepository noteTable() {
            return new InMemoryNotes();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class MarkedTwice {
        @Bean
        @OldModel
        @NewModel
        InMemoryNotes both() {
            return new InMemoryNotes();
        }
    }

    @OldModel
    static class OldClassNotes extends InMemoryNotes {}

    @NewModel
    static class NewClassNotes extends InMemoryNotes {}

    /** Injects the interface three ways, as application code would. */
    static class Consumer {
        final NoteRepository notes;
        final NoteRepository oldNotes;
        final NoteRepository newNotes;

        Consumer(NoteRepository notes, @OldModel NoteRepository oldNotes, @NewModel NoteRepository newNotes) {
            this.notes = notes;
            this.oldNotes = oldNotes;
            this.newNotes = newNotes;
        }
    }
}

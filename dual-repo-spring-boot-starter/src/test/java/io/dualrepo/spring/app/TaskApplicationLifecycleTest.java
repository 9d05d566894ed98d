package io.dualrepo.spring.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualrepo.compare.ComparisonResult;
import io.dualrepo.compare.SkipReason;
import io.dualrepo.spring.broken.BrokenApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/** Start-up and shut-down of whole applications, run as their main methods would run them. */
@ExtendWith(OutputCaptureExtension.class)
class TaskApplicationLifecycleTest {

    @Test
    void closingTheApplicationClosesItsDualRepo() {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(TaskApplication.class)
                .web(WebApplicationType.NONE)
                // The in-memory record: the database record's H2 is closed with the context, and the first use below
                // would find no record to take SHADOW into, so the runtime would keep the default route.
                .properties("dualrepo.repositories.tasks.stage=SHADOW", "dualrepo.migration-record.enabled=false")
                .run();
        TaskRepository tasks = context.getBean(TaskRepository.class);
        TaskApplication application = context.getBean(TaskApplication.class);
        context.close();
        // A closed runtime has stopped its comparison threads and skips every shadow read at once; an open one
        // would have queued it (ASYNC, the default) and reported nothing yet.
        assertThat(tasks.findById("t-1")).isEmpty();
        assertThat(application.comparisons).singleElement().extracting(ComparisonResult::skipReason)
                .isEqualTo(SkipReason.SHUTDOWN);
    }

    @Test
    void anUnmarkedModelStopsStartUpWithAReportSayingWhatToMark(CapturedOutput output) {
        assertThatThrownBy(() -> new SpringApplicationBuilder(BrokenApplication.class)
                .web(WebApplicationType.NONE)
                .run()).hasStackTraceContaining("is marked @NewModel");
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("No bean of type io.dualrepo.spring.broken.BrokenApplication.Widgets is marked @NewModel,"
                        + " so the decorator DualBrokenApplication_Widgets of @DualModel"
                        + " io.dualrepo.spring.broken.BrokenApplication.Widgets cannot be built (beans of that type:"
                        + " brokenApplication.OldWidgets, brokenApplication.WidgetTable).")
                .contains("Action:")
                .contains("Put @io.dualrepo.spring.NewModel on the class or the @Bean method of the new model's"
                        + " implementation");
    }
}

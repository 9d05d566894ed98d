package io.dualrepo.spring.flags;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.providers.memory.Flag;
import dev.openfeature.sdk.providers.memory.InMemoryProvider;
import io.dualrepo.DualRepo;
import io.dualrepo.flags.UnleashRouteSource;
import io.dualrepo.openfeature.OpenFeatureRouteSource;
import io.dualrepo.routing.InMemoryRouteSource;
import io.dualrepo.routing.RouteSource;
import io.dualrepo.routing.Stage;
import io.dualrepo.spring.DualRepoAutoConfiguration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Routes from a flag service by properties alone: the Unleash SDK on a bootstrap file (the payload an Unleash server
 * serves), and an OpenFeature provider; in place of the in-memory routes, and never both.
 */
class DualRepoFlagsAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DualRepoAutoConfiguration.class,
                    DualRepoFlagsAutoConfiguration.class))
            // So that the transition rules let the flags' stage through: this test is about where routes come from.
            .withPropertyValues("dualrepo.enforce-transitions=false");

    @TempDir
    Path directory;

    @Test
    void withoutEitherPropertyTheRoutesStayInMemory() {
        runner.run(context -> assertThat(context.getBean(RouteSource.class)).isInstanceOf(InMemoryRouteSource.class));
    }

    @Test
    void unleashFlagsFromABootstrapFileGiveTheRoutes() throws IOException {
        Path flags = stageFlags("notes", "SHADOW");
        runner.withPropertyValues("dualrepo.unleash.enabled=true", "dualrepo.unleash.bootstrap-file=" + flags)
                .run(context -> {
                    assertThat(context).hasSingleBean(RouteSource.class).doesNotHaveBean(InMemoryRouteSource.class);
                    assertThat(context.getBean(RouteSource.class)).isInstanceOf(UnleashRouteSource.class);
                    assertThat(context.getBean(DualRepo.class).currentRoute("notes"))
                            .isEqualTo(Stage.SHADOW.route());
                });
    }

    @Test
    void theFlagPrefixIsAProperty() throws IOException {
        Path flags = Files.writeString(directory.resolve("prefixed.json"), payload("migrations.notes.stage",
                "LIVE"));
        runner.withPropertyValues("dualrepo.unleash.enabled=true", "dualrepo.unleash.bootstrap-file=" + flags,
                "dualrepo.unleash.flag-prefix=migrations.")
                .run(context -> assertThat(context.getBean(DualRepo.class).currentRoute("notes"))
                        .isEqualTo(Stage.LIVE.route()));
    }

    @Test
    void unleashWithoutAnAddressOrATokenStopsStartUpNamingTheProperty() {
        runner.withPropertyValues("dualrepo.unleash.enabled=true").run(context ->
                assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("dualrepo.unleash.url is not set"));
        runner.withPropertyValues("dualrepo.unleash.enabled=true", "dualrepo.unleash.url=http://127.0.0.1:9/api/")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("dualrepo.unleash.api-token is not set"));
    }

    @Test
    void openFeatureFlagsOfTheConfiguredDomainGiveTheRoutes() throws Exception {
        String domain = "dualrepo-test-" + UUID.randomUUID();
        OpenFeatureAPI.getInstance().setProviderAndWait(domain, new InMemoryProvider(Map.of("dualrepo.notes.stage",
                Flag.<String>builder().variant("on", "DUAL_WRITE").defaultVariant("on").build())));
        runner.withPropertyValues("dualrepo.openfeature.enabled=true", "dualrepo.openfeature.domain=" + domain)
                .run(context -> {
                    assertThat(context.getBean(RouteSource.class)).isInstanceOf(OpenFeatureRouteSource.class);
                    assertThat(context.getBean(DualRepo.class).currentRoute("notes"))
                            .isEqualTo(Stage.DUAL_WRITE.route());
                });
    }

    @Test
    void theApplicationsOpenFeatureClientIsUsedWhenItHasOne() throws Exception {
        String domain = "dualrepo-client-" + UUID.randomUUID();
        OpenFeatureAPI.getInstance().setProviderAndWait(domain, new InMemoryProvider(Map.of("dualrepo.notes.stage",
                Flag.<String>builder().variant("on", "RAMPDOWN").defaultVariant("on").build())));
        runner.withPropertyValues("dualrepo.openfeature.enabled=true")
                .withBean(Client.class, () -> OpenFeatureAPI.getInstance().getClient(domain))
                .run(context -> assertThat(context.getBean(DualRepo.class).currentRoute("notes"))
                        .isEqualTo(Stage.RAMPDOWN.route()));
    }

    @Test
    void bothFlagServicesAtOnceStopStartUp() throws IOException {
        Path flags = stageFlags("notes", "SHADOW");
        runner.withPropertyValues("dualrepo.unleash.enabled=true", "dualrepo.unleash.bootstrap-file=" + flags,
                "dualrepo.openfeature.enabled=true")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageContaining("must come from one flag service"));
    }

    @Test
    void theApplicationsOwnRouteSourceWinsOverTheProperties() throws IOException {
        Path flags = stageFlags("notes", "SHADOW");
        runner.withUserConfiguration(OwnRoutes.class)
                .withPropertyValues("dualrepo.unleash.enabled=true", "dualrepo.unleash.bootstrap-file=" + flags)
                .run(context -> {
                    assertThat(context).hasSingleBean(RouteSource.class);
                    assertThat(context.getBean(RouteSource.class).name()).isEqualTo("own");
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnRoutes {
        @Bean
        RouteSource ownRoutes() {
            return InMemoryRouteSource.named("own");
        }
    }

    private Path stageFlags(String repository, String stage) throws IOException {
        return Files.writeString(directory.resolve(repository + "-flags.json"),
                payload("dualrepo." + repository + ".stage", stage));
    }

    private static String payload(String flag, String variant) {
        return "{\"version\":2,\"features\":[{\"name\":\"" + flag + "\",\"enabled\":true,"
                + "\"strategies\":[{\"name\":\"default\"}],\"variants\":[{\"name\":\"" + variant
                + "\",\"weight\":1000,\"weightType\":\"variable\",\"stickiness\":\"default\"}]}]}";
    }
}

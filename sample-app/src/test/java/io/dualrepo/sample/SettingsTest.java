package io.dualrepo.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettingsTest {

    private static Settings parse(Map<String, String> environment, String... arguments) {
        return Settings.parse(arguments, environment::get);
    }

    @Test
    void nothingSetMeansTheEmbeddedDemo() {
        Settings settings = parse(Map.of());
        assertThat(settings).isEqualTo(Settings.embedded("demo"));
        assertThat(settings.database()).isEmpty();
        assertThat(settings.newDatabase()).isEmpty();
        assertThat(settings.unleashUrl()).isEmpty();
    }

    @Test
    void flagsWinOverTheEnvironment() {
        Settings settings = parse(Map.of("DB_URL", "jdbc:postgresql://db/env", "DB_USER", "env-user", "PORT", "9000",
                        "NEW_DB_URL", "jdbc:postgresql://db/new"),
                "serve", "--db-url=jdbc:postgresql://db/flag", "--port=0", "--planted-bug");
        assertThat(settings.mode()).isEqualTo("serve");
        assertThat(settings.database()).contains(new Settings.Database("jdbc:postgresql://db/flag",
                Optional.of("env-user"), Optional.empty()));
        assertThat(settings.newDatabase()).map(Settings.Database::url).contains("jdbc:postgresql://db/new");
        assertThat(settings.port()).isZero();
        assertThat(settings.plantedBug()).isTrue();
    }

    @Test
    void badInputIsRefusedWithAMessageSayingWhatIsWrong() {
        assertThatThrownBy(() -> parse(Map.of(), "--db-ur=jdbc:h2:mem:x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("unknown flag --db-ur:");
        assertThatThrownBy(() -> parse(Map.of(), "migrate"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown mode 'migrate'");
        assertThatThrownBy(() -> parse(Map.of("UNLEASH_URL", "http://unleash:4242")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("UNLEASH_API_TOKEN");
        assertThatThrownBy(() -> parse(Map.of(), "--port=eighty"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("port 'eighty' is not a number");
        assertThatThrownBy(() -> parse(Map.of("PORT", "70000")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("port 70000 is not a TCP port");
    }

    @Test
    void theOperatorTokenComesFromTheFlagOrTheEnvironmentAndIsNeverShown() {
        String token = "env-token-0123456789abcdef";
        assertThat(parse(Map.of()).operatorToken()).isEmpty();
        Settings fromEnvironment = parse(Map.of("OPERATOR_TOKEN", token), "serve");
        assertThat(fromEnvironment.operatorToken()).contains(token);
        assertThat(fromEnvironment.toString()).doesNotContain(token).contains("operatorToken=Optional[(set)]");
        assertThat(parse(Map.of("OPERATOR_TOKEN", token), "serve", "--operator-token=flag-token-0123456789abcdef")
                .operatorToken()).contains("flag-token-0123456789abcdef");
        assertThatThrownBy(() -> parse(Map.of("OPERATOR_TOKEN", "short-secret"), "serve"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 16")
                .hasMessageNotContaining("short-secret");
        assertThatThrownBy(() -> parse(Map.of(), "serve", "--operator-token=with a space in it, long enough"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without spaces");
    }

    @Test
    void secretsAreLeftOutOfTheSettingsText() {
        Settings settings = parse(Map.of("DB_URL", "jdbc:postgresql://db/x", "DB_PASSWORD", "db-secret",
                "UNLEASH_URL", "http://unleash:4242", "UNLEASH_API_TOKEN", "unleash-secret"));
        assertThat(settings.toString()).contains("jdbc:postgresql://db/x").doesNotContain("db-secret", "unleash-secret");
    }

    @Test
    void blankValuesCountAsUnset() {
        assertThat(parse(Map.of("DB_URL", " ", "UNLEASH_URL", "")).database()).isEmpty();
    }
}

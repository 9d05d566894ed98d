package io.dualrepo.spring.flags;

import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code dualrepo.unleash.*}: routes from Unleash flags (docs/flags.md names the flags). */
@ConfigurationProperties("dualrepo.unleash")
public class UnleashProperties {

    /** Whether routes come from Unleash. The starter's in-memory route source is then not built. */
    private boolean enabled;

    /** The Unleash API's address, e.g. http://unleash.internal:4242/api/. Required unless bootstrap-file is set. */
    private @Nullable String url;

    /** The client API token. Required unless bootstrap-file is set; never logged. */
    private @Nullable String apiToken;

    /** The application name Unleash sees; default spring.application.name, else "dualrepo". */
    private @Nullable String appName;

    /** How often the flags are fetched. Unleash's own default is 15 s. */
    private Duration fetchInterval = Duration.ofSeconds(10);

    /** The prefix of every flag name: {@code <prefix><repository>.stage} and the rest. */
    private String flagPrefix = "dualrepo.";

    /** Flags from this file (the payload an Unleash server serves) and no server asked: for tests and drills. */
    private @Nullable Path bootstrapFile;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public @Nullable String getUrl() {
        return url;
    }

    public void setUrl(@Nullable String url) {
        this.url = url;
    }

    public @Nullable String getApiToken() {
        return apiToken;
    }

    public void setApiToken(@Nullable String apiToken) {
        this.apiToken = apiToken;
    }

    public @Nullable String getAppName() {
        return appName;
    }

    public void setAppName(@Nullable String appName) {
        this.appName = appName;
    }

    public Duration getFetchInterval() {
        return fetchInterval;
    }

    public void setFetchInterval(Duration fetchInterval) {
        this.fetchInterval = fetchInterval;
    }

    public String getFlagPrefix() {
        return flagPrefix;
    }

    public void setFlagPrefix(String flagPrefix) {
        this.flagPrefix = flagPrefix;
    }

    public @Nullable Path getBootstrapFile() {
        return bootstrapFile;
    }

    public void setBootstrapFile(@Nullable Path bootstrapFile) {
        this.bootstrapFile = bootstrapFile;
    }
}

package io.dualrepo.spring.flags;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code dualrepo.openfeature.*}: routes from the flags of the provider the application set on OpenFeature's API
 * ({@code OpenFeatureAPI.getInstance().setProvider(...)}: flagd, LaunchDarkly, ConfigCat...).
 */
@ConfigurationProperties("dualrepo.openfeature")
public class OpenFeatureProperties {

    /** Whether routes come from OpenFeature. The starter's in-memory route source is then not built. */
    private boolean enabled;

    /** The OpenFeature domain whose provider answers; default the API's default provider. */
    private @Nullable String domain;

    /** The prefix of every flag name: {@code <prefix><repository>.stage} and the rest. */
    private String flagPrefix = "dualrepo.";

    /**
     * How long a route decision is kept when the provider emits no change events; unset keeps decisions until an
     * event says the flags changed.
     */
    private @Nullable Duration refreshInterval;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public @Nullable String getDomain() {
        return domain;
    }

    public void setDomain(@Nullable String domain) {
        this.domain = domain;
    }

    public String getFlagPrefix() {
        return flagPrefix;
    }

    public void setFlagPrefix(String flagPrefix) {
        this.flagPrefix = flagPrefix;
    }

    public @Nullable Duration getRefreshInterval() {
        return refreshInterval;
    }

    public void setRefreshInterval(@Nullable Duration refreshInterval) {
        this.refreshInterval = refreshInterval;
    }
}

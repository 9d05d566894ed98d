package io.dualrepo.openfeature.internal;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.Reason;
import io.dualrepo.routing.Comparison;
import io.dualrepo.routing.Stage;
import io.dualrepo.spi.flags.FlagReader;
import org.jspecify.annotations.Nullable;

/**
 * How OpenFeature flags read as a route: the stage a string flag, the switches boolean flags, the comparison share
 * a number flag from 0 to 1; the routing key is the targeting key. A flag the provider does not have, or reports
 * as disabled, is missing: its default applies. The client never throws, so its error codes are sorted here: a
 * wrong type is a value to refuse, any other error the provider failing.
 */
public final class OpenFeatureFlags implements FlagReader<EvaluationContext> {

    private static final EvaluationContext NO_KEY = new ImmutableContext();

    private final Client client;

    public OpenFeatureFlags(Client client) {
        this.client = client;
    }

    @Override
    public EvaluationContext context(@Nullable String key) {
        return key == null ? NO_KEY : new ImmutableContext(key);
    }

    @Override
    public @Nullable Stage stage(String flag, EvaluationContext context) {
        FlagEvaluationDetails<String> details = client.getStringDetails(flag, "", context);
        if (!isSet(details, flag, "string")) {
            return null;
        }
        String value = details.getValue();
        // An empty value lets a targeting rule leave some keys to the switches.
        if (value == null || value.isEmpty()) {
            return null;
        }
        Stage stage = FlagReader.stageNamed(value);
        if (stage == null) {
            throw new Refused("flag " + flag + " is '" + value + "', which names no stage (one of "
                    + FlagReader.stageNames() + ", or empty for none)");
        }
        return stage;
    }

    @Override
    public boolean enabled(String flag, EvaluationContext context, boolean whenMissing) {
        FlagEvaluationDetails<Boolean> details = client.getBooleanDetails(flag, whenMissing, context);
        if (!isSet(details, flag, "boolean") || details.getValue() == null) {
            return whenMissing;
        }
        return details.getValue();
    }

    @Override
    public Comparison switchComparison(String flag, EvaluationContext context) {
        Double share = share(flag, context);
        return share == null ? Comparison.OFF : Comparison.sampled(share);
    }

    /** As with Unleash, a share of 0 or no flag leaves the stage's own comparison: every read. */
    @Override
    public Comparison stageComparison(String flag, EvaluationContext context) {
        Double share = share(flag, context);
        return share == null || share == 0 ? Comparison.ALWAYS : Comparison.sampled(share);
    }

    private @Nullable Double share(String flag, EvaluationContext context) {
        FlagEvaluationDetails<Double> details = client.getDoubleDetails(flag, 0.0, context);
        if (!isSet(details, flag, "number") || details.getValue() == null) {
            return null;
        }
        double share = details.getValue();
        if (!(share >= 0 && share <= 1)) {
            throw new Refused("flag " + flag + " is " + share + ", but a comparison share is a number from 0 (no"
                    + " read compared) to 1 (every read): 0.25 compares a quarter of reads");
        }
        return share;
    }

    private static boolean isSet(FlagEvaluationDetails<?> details, String flag, String type) {
        ErrorCode code = details.getErrorCode();
        if (code == null) {
            return !Reason.DISABLED.name().equals(details.getReason());
        }
        switch (code) {
            case FLAG_NOT_FOUND:
                return false;
            case TYPE_MISMATCH:
            case PARSE_ERROR:
                throw new Refused("flag " + flag + " cannot be read as a " + type + " flag (" + code
                        + (details.getErrorMessage() == null ? "" : ": " + details.getErrorMessage()) + ")");
            default:
                throw new FlagEvaluationFailed(flag, code, details.getErrorMessage());
        }
    }
}

package io.dualrepo.openfeature.internal;

import dev.openfeature.sdk.ErrorCode;

/** An evaluation that the provider could not make: the service failing, not a value to refuse. */
public final class FlagEvaluationFailed extends RuntimeException {

    public FlagEvaluationFailed(String flag, ErrorCode code, String providerMessage) {
        super("evaluating flag " + flag + " failed: " + code
                + (providerMessage == null || providerMessage.isBlank() ? "" : " (" + providerMessage + ")"));
    }
}

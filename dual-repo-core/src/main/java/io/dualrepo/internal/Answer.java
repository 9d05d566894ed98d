package io.dualrepo.internal;

import io.dualrepo.generated.ModelCall;
import org.jspecify.annotations.Nullable;

/** What one model did with a call: answered, or threw. */
record Answer(@Nullable Object result, @Nullable Throwable error) {

    static <T> Answer of(T model, ModelCall<T, ?> call) {
        try {
            return new Answer(call.call(model), null);
        } catch (Throwable e) {
            return new Answer(null, e);
        }
    }

    boolean failed() {
        return error != null;
    }
}

package io.dualrepo.behaviour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualrepo.Side;
import io.dualrepo.routing.Stage;
import io.dualrepo.write.FailedWrite;
import io.dualrepo.write.SecondaryWriteFailurePolicy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Writes reach the primary first; what happens when either side fails. */
class WritesTest {

    @Test
    void aFailedSecondaryWriteIsCountedAndHandedToTheSinkWhileTheCallerSucceeds() {
        List<FailedWrite> sink = new CopyOnWriteArrayList<>();
        try (Harness harness = new Harness(b -> b.failedWriteSink(sink::add))) {
            harness.newModel.failWrites = new IllegalStateException("new model rejects the write");
            harness.routes.set("orders", Stage.DUAL_WRITE);
            Order order = Order.of("o-1", "c-1");

            harness.orders.save(order);

            assertThat(harness.oldModel.rows).containsKey("o-1");
            assertThat(harness.newModel.rows).doesNotContainKey("o-1");
            assertThat(sink).singleElement().satisfies(failed -> {
                assertThat(failed.repository()).isEqualTo("orders");
                assertThat(failed.method()).isEqualTo("save");
                assertThat(failed.failedSide()).isEqualTo(Side.NEW);
                assertThat(failed.arguments()).containsExactly(order);
                assertThat(failed.error()).hasMessage("new model rejects the write");
            });
            assertThat(harness.counter("dualrepo.secondary.write.failures", "method", "save", "side", "new"))
                    .isEqualTo(1);
            assertThat(harness.logLines("io.dualrepo.SecondaryWrite"))
                    .singleElement().asString().contains("orders.save").contains("reached OLD but not NEW");
        }
    }

    @Test
    void underFailCallTheSecondarysExceptionReachesTheCallerAndTheStandingWriteIsStillRecorded() {
        List<FailedWrite> sink = new CopyOnWriteArrayList<>();
        try (Harness harness = new Harness(b -> b.secondaryWriteFailurePolicy(SecondaryWriteFailurePolicy.FAIL_CALL)
                .failedWriteSink(sink::add))) {
            IllegalStateException rejection = new IllegalStateException("rejected");
            harness.oldModel.failWrites = rejection;
            harness.routes.set("orders", Stage.LIVE);

            assertThatThrownBy(() -> harness.orders.save(Order.of("o-1", "c-1"))).isSameAs(rejection);

            // LIVE writes NEW first; without an atomic scope that write stands, so the gap must be repairable.
            assertThat(harness.newModel.rows).containsKey("o-1");
            assertThat(sink).singleElement().satisfies(failed -> assertThat(failed.failedSide()).isEqualTo(Side.OLD));
            assertThat(harness.counter("dualrepo.secondary.write.failures", "method", "save", "side", "old"))
                    .isEqualTo(1);
        }
    }

    @Test
    void aFailedPrimaryWriteNeverReachesTheSecondary() {
        List<FailedWrite> sink = new CopyOnWriteArrayList<>();
        try (Harness harness = new Harness(b -> b.failedWriteSink(sink::add))) {
            IllegalStateException rejection = new IllegalStateException("primary rejects");
            harness.oldModel.failWrites = rejection;
            harness.routes.set("orders", Stage.DUAL_WRITE);

            assertThatThrownBy(() -> harness.orders.save(Order.of("o-1", "c-1"))).isSameAs(rejection);

            assertThat(harness.sidesOf("save")).containsExactly(Side.OLD);
            assertThat(harness.newModel.rows).isEmpty();
            assertThat(sink).isEmpty();
            assertThat(harness.calls("save", Side.OLD, "error")).isEqualTo(1);
        }
    }

    @Test
    void aDualWriteScopeWrapsBothHalvesOfTheWrite() {
        List<String> events = new CopyOnWriteArrayList<>();
        io.dualrepo.write.DualWriteScope recordingScope = new io.dualrepo.write.DualWriteScope() {
            @Override
            public boolean atomic() {
                return true;
            }

            @Override
            public <R> R run(io.dualrepo.write.DualWrite<R> write) throws Throwable {
                events.add("begin " + write.repository() + "." + write.method() + " primary " + write.primary());
                try {
                    R result = write.writePrimary();
                    events.add("secondary took it: " + write.writeSecondary());
                    events.add("commit");
                    return result;
                } catch (Throwable e) {
                    events.add("rollback");
                    throw e;
                }
            }
        };
        List<FailedWrite> sink = new CopyOnWriteArrayList<>();
        // An atomic scope is both or neither, whatever the policy: the default policy would carry on.
        try (Harness harness = new Harness(b -> b.dualWriteScope(recordingScope)
                .failedWriteSink(sink::add))) {
            harness.routes.set("orders", Stage.DUAL_WRITE);
            harness.orders.save(Order.of("o-1", "c-1"));
            harness.newModel.failWrites = new IllegalStateException("boom");
            assertThatThrownBy(() -> harness.orders.save(Order.of("o-2", "c-1"))).hasMessage("boom");
            // A single-target route has nothing to pair up: no scope.
            harness.routes.set("orders", Stage.OLD_ONLY);
            harness.orders.save(Order.of("o-3", "c-1"));

            assertThat(events).containsExactly(
                    "begin orders.save primary OLD", "secondary took it: true", "commit",
                    "begin orders.save primary OLD", "rollback");
            // The atomic scope rolled the failed pair back: there is nothing to repair.
            assertThat(sink).isEmpty();
        }
    }
}

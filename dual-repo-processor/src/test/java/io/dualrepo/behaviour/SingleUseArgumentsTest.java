package io.dualrepo.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.ComparisonMode;
import io.dualrepo.Side;
import io.dualrepo.routing.Stage;
import io.dualrepo.write.DualWrite;
import io.dualrepo.write.DualWriteScope;
import io.dualrepo.write.FailedWrite;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An Iterable argument that can be iterated only once still reaches both models whole: the decorator copies it
 * once, before either model is called, and the scope and the failed-write sink see that copy too.
 */
class SingleUseArgumentsTest {

    private static final List<Order> ORDERS =
            List.of(Order.of("o-1", "c-1"), Order.of("o-2", "c-1"), Order.of("o-3", "c-2"));

    /** The two ways a one-shot Iterable fails its second reader. */
    enum OneShot {
        /** Silently: the same iterator every time, used up after the first reader. */
        SAME_ITERATOR {
            @Override
            <T> Iterable<T> of(List<T> elements) {
                Iterator<T> iterator = elements.iterator();
                return () -> iterator;
            }
        },
        /** Loudly: a stream's iterator, which throws IllegalStateException the second time. */
        OVER_A_STREAM {
            @Override
            <T> Iterable<T> of(List<T> elements) {
                return elements.stream()::iterator;
            }
        };

        abstract <T> Iterable<T> of(List<T> elements);
    }

    @ParameterizedTest
    @EnumSource(OneShot.class)
    void aOneShotIterableWrittenUnderDualWriteReachesBothModelsWhole(OneShot oneShot) {
        List<FailedWrite> sink = new CopyOnWriteArrayList<>();
        try (Harness harness = new Harness(b -> b.failedWriteSink(sink::add))) {
            harness.routes.set("orders", Stage.DUAL_WRITE);

            harness.orders.saveAll(oneShot.of(ORDERS));

            assertThat(harness.sidesOf("saveAll")).containsExactly(Side.OLD, Side.NEW);
            assertThat(harness.oldModel.rows).containsOnlyKeys("o-1", "o-2", "o-3");
            assertThat(harness.newModel.rows).containsOnlyKeys("o-1", "o-2", "o-3");
            assertThat(sink).isEmpty();
            assertThat(harness.counter("dualrepo.secondary.write.failures", "method", "saveAll", "side", "new"))
                    .isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(OneShot.class)
    void theScopeAndTheFailedWriteSinkSeeTheElementsWithoutUsingThemUp(OneShot oneShot) {
        List<String> seenByScope = new CopyOnWriteArrayList<>();
        // A scope that reads the arguments before the writes, as one recording the keys to repair would.
        DualWriteScope keyRecordingScope = new DualWriteScope() {
            @Override
            public boolean atomic() {
                return false;
            }

            @Override
            public <R> R run(DualWrite<R> write) throws Throwable {
                for (Object order : (Iterable<?>) write.arguments().get(0)) {
                    seenByScope.add(((Order) order).id());
                }
                R result = write.writePrimary();
                write.writeSecondary();
                return result;
            }
        };
        List<FailedWrite> sink = new CopyOnWriteArrayList<>();
        try (Harness harness = new Harness(b -> b.dualWriteScope(keyRecordingScope).failedWriteSink(sink::add))) {
            harness.newModel.failWrites = new IllegalStateException("new model rejects the write");
            harness.routes.set("orders", Stage.DUAL_WRITE);

            harness.orders.saveAll(oneShot.of(ORDERS));

            assertThat(seenByScope).containsExactly("o-1", "o-2", "o-3");
            assertThat(harness.oldModel.rows).containsOnlyKeys("o-1", "o-2", "o-3");
            assertThat(sink).singleElement().satisfies(failed -> {
                assertThat(failed.failedSide()).isEqualTo(Side.NEW);
                assertThat(failed.error()).hasMessage("new model rejects the write");
                // What the sink keeps for repair can be read again, as often as the repair needs.
                assertThat(failed.arguments()).singleElement().isInstanceOf(List.class);
                assertThat(contents((Iterable<?>) failed.arguments().get(0))).isEqualTo(ORDERS);
                assertThat(contents((Iterable<?>) failed.arguments().get(0))).isEqualTo(ORDERS);
            });
        }
    }

    @ParameterizedTest
    @EnumSource(OneShot.class)
    void aOneShotIterableReadUnderShadowGivesAMatch(OneShot oneShot) {
        try (Harness harness = new Harness(b -> b.comparisonMode(ComparisonMode.SYNC))) {
            for (Order order : ORDERS) {
                harness.oldModel.rows.put(order.id(), order);
                harness.newModel.rows.put(order.id(), order);
            }
            harness.routes.set("orders", Stage.SHADOW);

            List<Order> found = harness.orders.findAllById(oneShot.of(List.of("o-1", "o-3")));

            assertThat(found).containsExactly(ORDERS.get(0), ORDERS.get(2));
            assertThat(harness.sidesOf("findAllById")).containsExactly(Side.OLD, Side.NEW);
            assertThat(harness.comparisons("findAllById", "match")).isEqualTo(1);
            assertThat(harness.comparisons("findAllById", "mismatch")).isZero();
            assertThat(harness.comparisons("findAllById", "secondary_error")).isZero();
        }
    }

    private static List<Object> contents(Iterable<?> iterable) {
        List<Object> contents = new ArrayList<>();
        iterable.forEach(contents::add);
        return contents;
    }
}

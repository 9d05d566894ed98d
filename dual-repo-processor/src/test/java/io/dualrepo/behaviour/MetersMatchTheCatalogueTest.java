package io.dualrepo.behaviour;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualrepo.CircuitState;
import io.dualrepo.ComparisonMode;
import io.dualrepo.metrics.CoreMeters;
import io.dualrepo.routing.Stage;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the runtime registers is what {@link CoreMeters} says: every {@code dualrepo.*} meter of a generated decorator
 * walked through the stages (reads, writes, comparisons, read-through, route changes) has a catalogue entry with
 * its type, tag keys and description, and every entry the walk can reach is registered.
 */
class MetersMatchTheCatalogueTest {

    @Test
    void theCircuitBreakersAreInARegistryAndTheirStatePublished() {
        // The breaker guards comparisons off the caller's thread: those of the asynchronous mode.
        try (Harness harness = new Harness(b -> b.comparisonMode(ComparisonMode.ASYNC))) {
            assertThat(circuitGauge(harness, "closed")).isEqualTo(1);
            assertThat(circuitGauge(harness, "open")).isZero();

            // The registry is Resilience4j's own: its tooling, or an operator, can force a breaker.
            harness.dualRepo.circuitBreakerRegistry().circuitBreaker("dualrepo-orders").transitionToForcedOpenState();

            assertThat(harness.dualRepo.circuitState("orders")).isEqualTo(CircuitState.OPEN);
            assertThat(circuitGauge(harness, "open")).isEqualTo(1);
            assertThat(circuitGauge(harness, "closed")).isZero();
            harness.routes.set("orders", Stage.SHADOW);
            harness.orders.findById("o-1");
            assertThat(harness.skipped("findById", "circuit_open")).isEqualTo(1);
        }
    }

    private static double circuitGauge(Harness harness, String state) {
        return harness.registry.get(CoreMeters.CIRCUIT_STATE.meterName()).tag("repository", "orders")
                .tag("state", state).gauge().value();
    }

    @Test
    void everyRegisteredMeterIsCatalogued() {
        // With a comparison budget, whose meters are registered only then.
        try (Harness harness = new Harness(b -> b.comparisonMode(ComparisonMode.SYNC).comparisonBudget(0.1))) {
            for (Stage stage : Stage.values()) {
                harness.routes.set("orders", stage);
                harness.orders.save(Order.of("o-" + stage, "c-1"));
                harness.orders.findById("o-" + stage);
                harness.orders.findByCustomer("c-1");
            }
            Map<String, CoreMeters> catalogue = Stream.of(CoreMeters.values())
                    .collect(Collectors.toMap(CoreMeters::meterName, Function.identity()));
            Set<String> registered = new HashSet<>();
            for (Meter meter : harness.registry.getMeters()) {
                Meter.Id id = meter.getId();
                if (!id.getName().startsWith("dualrepo.")) {
                    continue;
                }
                registered.add(id.getName());
                CoreMeters entry = catalogue.get(id.getName());
                assertThat(entry).as("catalogue entry of %s", id.getName()).isNotNull();
                assertThat(id.getType()).as("type of %s", id.getName()).isEqualTo(entry.type());
                assertThat(id.getTags().stream().map(Tag::getKey).collect(Collectors.toSet()))
                        .as("tag keys of %s", id.getName()).isEqualTo(Set.copyOf(entry.tagKeys()));
                assertThat(id.getDescription()).as("description of %s", id.getName()).isEqualTo(entry.description());
            }
            // Only combinations that can happen: reads compare, writes fail on a side; read-through reads copy.
            for (Meter meter : harness.registry.getMeters()) {
                String name = meter.getId().getName();
                String method = meter.getId().getTag("method");
                if (method == null) {
                    continue;
                }
                boolean write = method.startsWith("save") || method.startsWith("delete")
                        || method.startsWith("insert");
                if (write) {
                    assertThat(name).as("a meter of the write %s", method).isNotIn(
                            CoreMeters.COMPARISONS.meterName(), CoreMeters.COMPARISONS_SKIPPED.meterName(),
                            CoreMeters.MISMATCH_RECHECKS.meterName(), CoreMeters.READ_THROUGH_COPIES.meterName());
                } else {
                    assertThat(name).as("a meter of the read %s", method)
                            .isNotEqualTo(CoreMeters.SECONDARY_WRITE_FAILURES.meterName());
                }
                if (method.startsWith("findByCustomer")) {
                    assertThat(name).as("a read without @ReadThrough").isNotIn(
                            CoreMeters.READ_THROUGH_COPIES.meterName(), CoreMeters.READ_THROUGH_FALLBACKS.meterName());
                }
            }
            // The flag meters are registered by the flag route sources, not by an in-memory one; the stitch meters
            // by stitched reads only, which this repository has none of.
            Set<CoreMeters> elsewhere = Set.of(CoreMeters.FLAG_ERRORS, CoreMeters.FLAG_REFUSED,
                    CoreMeters.READ_THROUGH_STITCHES, CoreMeters.READ_THROUGH_STITCHED_ELEMENTS);
            assertThat(registered).containsAll(Stream.of(CoreMeters.values())
                    .filter(meter -> !elsewhere.contains(meter))
                    .map(CoreMeters::meterName).toList());
        }
    }
}

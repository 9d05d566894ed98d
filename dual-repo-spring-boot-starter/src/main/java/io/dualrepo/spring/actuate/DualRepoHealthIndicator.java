package io.dualrepo.spring.actuate;

import io.dualrepo.CircuitState;
import io.dualrepo.DualRepo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Always UP, with each repository's stage, circuit breaker and last refusal in the details, and a {@code warnings}
 * list naming what needs an operator.
 *
 * <p>Never DOWN: health decides whether a load balancer sends traffic and whether Kubernetes restarts the pod, and
 * neither helps a migration problem. An open breaker only skips comparisons; a refused stage leaves the previous
 * route serving; both would otherwise take every instance of the fleet out at once. Nor a custom status such as
 * WARNING: Boot's aggregation ignores statuses missing from {@code management.endpoint.health.status.order}, so it
 * would need the application's configuration to show at all. Only the runtime's own state is read, never the
 * migration record, so a health probe costs no database query.
 */
public class DualRepoHealthIndicator implements HealthIndicator {

    private final DualRepo dualRepo;

    public DualRepoHealthIndicator(DualRepo dualRepo) {
        this.dualRepo = dualRepo;
    }

    @Override
    public Health health() {
        Map<String, Object> repositories = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        for (String name : new TreeSet<>(dualRepo.decoratedRepositories())) {
            Map<String, Object> details = new LinkedHashMap<>();
            String stage = RepositoryDescriptor.label(dualRepo.currentRoute(name));
            CircuitState circuit = dualRepo.circuitState(name);
            String refusal = dualRepo.lastRefusal(name).orElse(null);
            details.put("stage", stage);
            details.put("circuit", circuit.name());
            details.put("lastRefusal", refusal);
            repositories.put(name, details);
            if (circuit == CircuitState.OPEN) {
                warnings.add(name + ": circuit breaker OPEN, comparisons are skipped");
            }
            if (refusal != null) {
                warnings.add(name + ": the route offered was refused, " + stage + " stays");
            }
        }
        return Health.up().withDetail("repositories", repositories).withDetail("warnings", warnings).build();
    }
}

package io.dualrepo.benchmarks.endtoend;

import io.dualrepo.DualModel;
import java.util.Optional;

/** Read by HibernateBenchmark directly on the old model and through the generated {@code DualIncidentRepository}. */
@DualModel("incidents")
public interface IncidentRepository {

    Optional<Incident> findById(long id);
}

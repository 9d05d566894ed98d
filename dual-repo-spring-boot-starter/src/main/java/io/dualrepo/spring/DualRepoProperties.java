package io.dualrepo.spring;

import io.dualrepo.ComparisonMode;
import io.dualrepo.routing.Stage;
import io.dualrepo.spring.console.ConsoleProperties;
import io.dualrepo.write.SecondaryWriteFailurePolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * The {@code dualrepo.*} properties: settings for every repository, and under {@code dualrepo.repositories.<name>}
 * what differs for one {@code @DualModel} name, in Resilience4j's style: a repository's own value wins, a value it
 * leaves unset is the one above ({@link io.dualrepo.DualRepo.Builder#repository}). Its stage, comparison mode, timeout
 * and most differences, circuit breaker and secondary-write failure policy can differ; its sensitive fields are added
 * to the shared ones. The comparison threads and queue, and the log budgets, are shared by all repositories.
 *
 * <p>Defaults are written out as literals so that the generated metadata shows them; a test holds them equal to
 * {@code DualRepo.DEFAULT_*}.
 */
@ConfigurationProperties(prefix = "dualrepo")
public class DualRepoProperties {

    /** Whether to build the DualRepo and register the @DualModel decorators at all. */
    private boolean enabled = true;

    /**
     * Stage of a repository that sets none under dualrepo.repositories, until the route source gives one; a route
     * held in the migration record wins over it at start-up.
     */
    private Stage defaultStage = Stage.OLD_ONLY;

    /**
     * Whether stage changes must pass the migration record's transition rules (a model serves reads only once it is
     * complete). Turn off only in tests that set stages in any order, never for production data.
     */
    private boolean enforceTransitions = true;

    /** How the migration record's history names the in-memory route source built from these properties. */
    private String routeSourceName = "application properties";

    /** What a write does when the primary model took it and the secondary threw. */
    private SecondaryWriteFailurePolicy secondaryWriteFailurePolicy = SecondaryWriteFailurePolicy.RECORD_AND_CONTINUE;

    /**
     * How a dual write's two halves share a transaction: none (each model's write stands on its own), same-database
     * (both in Spring's JPA transaction, the secondary in a savepoint, so that its failure leaves the primary's write
     * committed) or same-database-both-or-neither (a failed secondary write rolls back both and fails the call). The
     * same-database scopes need both models to write through the application's one EntityManagerFactory (Hibernate)
     * and its JpaTransactionManager. Ignored when the application defines its own DualWriteScope.
     */
    private WriteScope writeScope = WriteScope.NONE;

    /** Field names masked in logs and listener payloads in every compared type, on top of @Sensitive. */
    private List<String> sensitiveFields = new ArrayList<>();

    /**
     * "Write reached one model but not the other" log lines per repository method per minute; beyond it they are
     * counted and handed to the failed-write sink all the same.
     */
    private int writeFailureLogsPerMinute = 10;

    /** Log lines about comparison listeners and failed-write sinks that threw, per repository method per minute. */
    private int hookErrorLogsPerMinute = 10;

    private final Comparison comparison = new Comparison();

    private final CircuitBreaker circuitBreaker = new CircuitBreaker();

    private final Decorators decorators = new Decorators();

    private final MigrationRecordSettings migrationRecord = new MigrationRecordSettings();

    private final Schema schema = new Schema();

    private final Verify verify = new Verify();

    /** The operator console on a port of its own (io.dualrepo.spring.console). */
    @NestedConfigurationProperty
    private final ConsoleProperties console = new ConsoleProperties();

    /**
     * Per-repository settings, by @DualModel name: stage, comparison.mode, comparison.timeout,
     * comparison.max-differences, circuit-breaker.failure-rate-threshold, circuit-breaker.sliding-window-size,
     * circuit-breaker.wait-duration-in-open-state, secondary-write-failure-policy and sensitive-fields (added to
     * dualrepo.sensitive-fields). Each one left unset is the shared setting of the same name.
     */
    private Map<String, Repository> repositories = new LinkedHashMap<>();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Stage getDefaultStage() {
        return defaultStage;
    }

    public void setDefaultStage(Stage defaultStage) {
        this.defaultStage = defaultStage;
    }

    public boolean isEnforceTransitions() {
        return enforceTransitions;
    }

    public void setEnforceTransitions(boolean enforceTransitions) {
        this.enforceTransitions = enforceTransitions;
    }

    public String getRouteSourceName() {
        return routeSourceName;
    }

    public void setRouteSourceName(String routeSourceName) {
        this.routeSourceName = routeSourceName;
    }

    public SecondaryWriteFailurePolicy getSecondaryWriteFailurePolicy() {
        return secondaryWriteFailurePolicy;
    }

    public void setSecondaryWriteFailurePolicy(SecondaryWriteFailurePolicy secondaryWriteFailurePolicy) {
        this.secondaryWriteFailurePolicy = secondaryWriteFailurePolicy;
    }

    public WriteScope getWriteScope() {
        return writeScope;
    }

    public void setWriteScope(WriteScope writeScope) {
        this.writeScope = writeScope;
    }

    public List<String> getSensitiveFields() {
        return sensitiveFields;
    }

    public void setSensitiveFields(List<String> sensitiveFields) {
        this.sensitiveFields = sensitiveFields;
    }

    public int getWriteFailureLogsPerMinute() {
        return writeFailureLogsPerMinute;
    }

    public void setWriteFailureLogsPerMinute(int writeFailureLogsPerMinute) {
        this.writeFailureLogsPerMinute = writeFailureLogsPerMinute;
    }

    public int getHookErrorLogsPerMinute() {
        return hookErrorLogsPerMinute;
    }

    public void setHookErrorLogsPerMinute(int hookErrorLogsPerMinute) {
        this.hookErrorLogsPerMinute = hookErrorLogsPerMinute;
    }

    public Comparison getComparison() {
        return comparison;
    }

    public CircuitBreaker getCircuitBreaker() {
        return circuitBreaker;
    }

    public Decorators getDecorators() {
        return decorators;
    }

    public MigrationRecordSettings getMigrationRecord() {
        return migrationRecord;
    }

    public Schema getSchema() {
        return schema;
    }

    public Verify getVerify() {
        return verify;
    }

    public ConsoleProperties getConsole() {
        return console;
    }

    public Map<String, Repository> getRepositories() {
        return repositories;
    }

    public void setRepositories(Map<String, Repository> repositories) {
        this.repositories = repositories;
    }

    /** The values of {@code dualrepo.write-scope}. */
    public enum WriteScope {
        /** No transaction around the two halves: each model's write stands on its own. */
        NONE,
        /** Both halves in Spring's JPA transaction, the secondary's in a savepoint: its failure is the only loss. */
        SAME_DATABASE,
        /** Both halves in Spring's JPA transaction: a failed secondary write rolls back both and fails the call. */
        SAME_DATABASE_BOTH_OR_NEITHER
    }

    /** Shadow reads: where they run and how many may run or wait. */
    public static class Comparison {

        /** Where shadow reads run: ASYNC (on a bounded pool, the only mode for production), SYNC or STRICT (tests). */
        private ComparisonMode mode = ComparisonMode.ASYNC;

        /** Threads running shadow reads, shared by all repositories. */
        private int threads = 2;

        /** Shadow reads that may wait for a thread; beyond it they are skipped (BULKHEAD_FULL). */
        private int queue = 256;

        /** How long a shadow read may take before it counts as a timeout and is interrupted. */
        private Duration timeout = Duration.ofSeconds(2);

        /** The most differences one comparison reports. */
        private int maxDifferences = 20;

        /** Mismatch log lines per repository method per minute; beyond it they are counted and summarised. */
        private int mismatchLogsPerMinute = 10;

        /**
         * The share comparisons may add to the callers' p99 read latency (0.1: within 1.1×); fewer reads are compared
         * while they add more. 0: no budget, every read the route samples is compared.
         */
        private double budget = 0;

        /** The comparison budget's window: the length of a pause of comparisons and of each window beside it. */
        private Duration budgetWindow = Duration.ofSeconds(1);

        public double getBudget() {
            return budget;
        }

        public void setBudget(double budget) {
            this.budget = budget;
        }

        public Duration getBudgetWindow() {
            return budgetWindow;
        }

        public void setBudgetWindow(Duration budgetWindow) {
            this.budgetWindow = budgetWindow;
        }

        public ComparisonMode getMode() {
            return mode;
        }

        public void setMode(ComparisonMode mode) {
            this.mode = mode;
        }

        public int getThreads() {
            return threads;
        }

        public void setThreads(int threads) {
            this.threads = threads;
        }

        public int getQueue() {
            return queue;
        }

        public void setQueue(int queue) {
            this.queue = queue;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public int getMaxDifferences() {
            return maxDifferences;
        }

        public void setMaxDifferences(int maxDifferences) {
            this.maxDifferences = maxDifferences;
        }

        public int getMismatchLogsPerMinute() {
            return mismatchLogsPerMinute;
        }

        public void setMismatchLogsPerMinute(int mismatchLogsPerMinute) {
            this.mismatchLogsPerMinute = mismatchLogsPerMinute;
        }
    }

    /**
     * The secondary model's circuit breaker for shadow reads, one per repository, named as in Resilience4j's
     * properties.
     */
    public static class CircuitBreaker {

        /** Percentage of failed or timed-out shadow reads, in (0, 100], at which the breaker opens. */
        private float failureRateThreshold = 50f;

        /** How many of the last shadow reads the failure rate is taken over. */
        private int slidingWindowSize = 100;

        /** How long the breaker stays open before it lets shadow reads try again. */
        private Duration waitDurationInOpenState = Duration.ofSeconds(30);

        public float getFailureRateThreshold() {
            return failureRateThreshold;
        }

        public void setFailureRateThreshold(float failureRateThreshold) {
            this.failureRateThreshold = failureRateThreshold;
        }

        public int getSlidingWindowSize() {
            return slidingWindowSize;
        }

        public void setSlidingWindowSize(int slidingWindowSize) {
            this.slidingWindowSize = slidingWindowSize;
        }

        public Duration getWaitDurationInOpenState() {
            return waitDurationInOpenState;
        }

        public void setWaitDurationInOpenState(Duration waitDurationInOpenState) {
            this.waitDurationInOpenState = waitDurationInOpenState;
        }
    }

    /** The generated decorators as beans. */
    public static class Decorators {

        /**
         * Whether every @DualModel interface in the application's packages gets its generated decorator as its
         * primary bean. Off, wire the decorators yourself.
         */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /**
     * The migration record the starter builds in the application's database when it has dual-repo-hibernate and an
     * EntityManagerFactory, and defines no MigrationRecord bean of its own.
     */
    public static class MigrationRecordSettings {

        /**
         * Whether to build a DatabaseMigrationRecord on the application's EntityManagerFactory. Off, the DualRepo uses
         * an in-memory record that only this process sees, unless the application defines a MigrationRecord bean.
         */
        private boolean enabled = true;

        /** The record's state table, optionally schema-qualified; its history is this name plus _history. */
        private String table = "dualrepo_migration";

        /**
         * How long a route change takes to reach every instance: zero when routes change only through the endpoint of
         * a single instance; with a flag service, how long a flag change takes to reach them all (for Unleash, the
         * fetch interval and a margin). A backfill counts only once every instance writes the new model.
         */
        private Duration settleTime = Duration.ZERO;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getTable() {
            return table;
        }

        public void setTable(String table) {
            this.table = table;
        }

        public Duration getSettleTime() {
            return settleTime;
        }

        public void setSettleTime(Duration settleTime) {
            this.settleTime = settleTime;
        }
    }

    /** The library's own tables (the migration record's, the backfill's and the verifier's). */
    public static class Schema {

        /**
         * Whether the migration record, the backfill and the verification the starter runs create their tables where
         * they are missing. Off, they check that the tables are there (created by the scripts dual-repo-hibernate
         * ships for Flyway and Liquibase) and fail, naming what is missing, when they are not.
         */
        private boolean createTables = true;

        public boolean isCreateTables() {
            return createTables;
        }

        public void setCreateTables(boolean createTables) {
            this.createTables = createTables;
        }
    }

    /** The verification run through the dualrepo endpoint. */
    public static class Verify {

        /**
         * How many times a key found disagreeing is read again before it counts as a discrepancy: a dual write in
         * flight (two transactions, unless write-scope is same-database) heals within the re-check window.
         */
        private int rechecks = 3;

        /** The time over which the re-checks of a disagreeing key are spread, the first after window / rechecks. */
        private Duration recheckWindow = Duration.ofSeconds(3);

        public int getRechecks() {
            return rechecks;
        }

        public void setRechecks(int rechecks) {
            this.rechecks = rechecks;
        }

        public Duration getRecheckWindow() {
            return recheckWindow;
        }

        public void setRecheckWindow(Duration recheckWindow) {
            this.recheckWindow = recheckWindow;
        }
    }

    /** What one repository sets apart from the defaults. */
    public static class Repository {

        /**
         * The repository's stage in the in-memory route source the starter builds (ignored when the application
         * defines its own RouteSource bean). It takes effect only if the transition rules allow it.
         */
        private @Nullable Stage stage;

        /** What a write of this repository does when the primary model took it and the secondary threw. */
        private @Nullable SecondaryWriteFailurePolicy secondaryWriteFailurePolicy;

        /**
         * Field names masked in this repository's logs and listener payloads, added to dualrepo.sensitive-fields (a
         * name masked for every repository stays masked).
         */
        private List<String> sensitiveFields = new ArrayList<>();

        private final RepositoryComparison comparison = new RepositoryComparison();

        private final RepositoryCircuitBreaker circuitBreaker = new RepositoryCircuitBreaker();

        public @Nullable Stage getStage() {
            return stage;
        }

        public void setStage(@Nullable Stage stage) {
            this.stage = stage;
        }

        public @Nullable SecondaryWriteFailurePolicy getSecondaryWriteFailurePolicy() {
            return secondaryWriteFailurePolicy;
        }

        public void setSecondaryWriteFailurePolicy(@Nullable SecondaryWriteFailurePolicy secondaryWriteFailurePolicy) {
            this.secondaryWriteFailurePolicy = secondaryWriteFailurePolicy;
        }

        public List<String> getSensitiveFields() {
            return sensitiveFields;
        }

        public void setSensitiveFields(List<String> sensitiveFields) {
            this.sensitiveFields = sensitiveFields;
        }

        public RepositoryComparison getComparison() {
            return comparison;
        }

        public RepositoryCircuitBreaker getCircuitBreaker() {
            return circuitBreaker;
        }
    }

    /**
     * One repository's shadow reads, under {@code dualrepo.repositories.<name>.comparison}; threads and queue
     * are shared (dualrepo.comparison.threads, dualrepo.comparison.queue).
     */
    public static class RepositoryComparison {

        /** Where this repository's shadow reads run: ASYNC, SYNC or STRICT; unset, dualrepo.comparison.mode. */
        private @Nullable ComparisonMode mode;

        /** How long one of this repository's shadow reads may take; unset, dualrepo.comparison.timeout. */
        private @Nullable Duration timeout;

        /** The most differences one of this repository's comparisons reports; unset, the shared value. */
        private @Nullable Integer maxDifferences;

        public @Nullable ComparisonMode getMode() {
            return mode;
        }

        public void setMode(@Nullable ComparisonMode mode) {
            this.mode = mode;
        }

        public @Nullable Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(@Nullable Duration timeout) {
            this.timeout = timeout;
        }

        public @Nullable Integer getMaxDifferences() {
            return maxDifferences;
        }

        public void setMaxDifferences(@Nullable Integer maxDifferences) {
            this.maxDifferences = maxDifferences;
        }
    }

    /**
     * One repository's shadow-read circuit breaker, under {@code dualrepo.repositories.<name>.circuit-breaker};
     * a value left unset is the one under dualrepo.circuit-breaker.
     */
    public static class RepositoryCircuitBreaker {

        /** Percentage, in (0, 100], of failed or timed-out shadow reads at which this repository's breaker opens. */
        private @Nullable Float failureRateThreshold;

        /** How many of this repository's last shadow reads the failure rate is taken over. */
        private @Nullable Integer slidingWindowSize;

        /** How long this repository's breaker stays open before it lets shadow reads try again. */
        private @Nullable Duration waitDurationInOpenState;

        public @Nullable Float getFailureRateThreshold() {
            return failureRateThreshold;
        }

        public void setFailureRateThreshold(@Nullable Float failureRateThreshold) {
            this.failureRateThreshold = failureRateThreshold;
        }

        public @Nullable Integer getSlidingWindowSize() {
            return slidingWindowSize;
        }

        public void setSlidingWindowSize(@Nullable Integer slidingWindowSize) {
            this.slidingWindowSize = slidingWindowSize;
        }

        public @Nullable Duration getWaitDurationInOpenState() {
            return waitDurationInOpenState;
        }

        public void setWaitDurationInOpenState(@Nullable Duration waitDurationInOpenState) {
            this.waitDurationInOpenState = waitDurationInOpenState;
        }
    }
}

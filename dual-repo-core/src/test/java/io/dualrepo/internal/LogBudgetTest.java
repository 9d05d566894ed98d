package io.dualrepo.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogBudgetTest {

    @Test
    void allowsTheBudgetPerWindowThenReportsWhatWasSuppressedWhenTheNextWindowOpens() {
        LogBudget budget = new LogBudget(3, 0);

        assertThat(budget.tryTake(1)).isZero();
        assertThat(budget.tryTake(2)).isZero();
        assertThat(budget.tryTake(3)).isZero();
        assertThat(budget.tryTake(4)).isEqualTo(-1);
        assertThat(budget.tryTake(5)).isEqualTo(-1);

        long nextWindow = LogBudget.WINDOW_NANOS + 10;
        assertThat(budget.tryTake(nextWindow)).isEqualTo(2);
        assertThat(budget.tryTake(nextWindow + 1)).isZero();
    }

    @Test
    void aZeroBudgetLogsNothing() {
        LogBudget budget = new LogBudget(0, 0);

        assertThat(budget.tryTake(1)).isEqualTo(-1);
        assertThat(budget.tryTake(LogBudget.WINDOW_NANOS * 2)).isEqualTo(-1);
    }
}

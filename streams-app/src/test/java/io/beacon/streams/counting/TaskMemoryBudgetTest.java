package io.beacon.streams.counting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TaskMemoryBudgetTest {

  @Test
  void shouldShareTheBudgetEvenlyAmongTheTasksOfAnInstance() {
    TaskMemoryBudget budget = new TaskMemoryBudget(300, 3000);
    budget.join();
    assertEquals(300, budget.heldCountsPerTask());
    assertEquals(3000, budget.seenIdFilterBytesPerTask());
    budget.join();
    budget.join();
    assertEquals(100, budget.heldCountsPerTask());
    assertEquals(1000, budget.seenIdFilterBytesPerTask());
    budget.leave();
    assertEquals(150, budget.heldCountsPerTask());
  }
}

package io.consulwatchdog.decide;

import static io.consulwatchdog.decide.RecoveryState.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecoveryStateTest {

  /** The table as the design states it, written out independently of the enum. */
  private static final Map<RecoveryState, Set<RecoveryState>> EXPECTED = Map.of(
      IDLE, EnumSet.of(SUSPECT, CONFIRMED),
      SUSPECT, EnumSet.of(IDLE, CONFIRMED),
      CONFIRMED, EnumSet.of(IDLE, SUSPECT, RECOVERING, COOLDOWN),
      RECOVERING, EnumSet.of(VERIFYING, FAILED),
      VERIFYING, EnumSet.of(COOLDOWN, FAILED),
      COOLDOWN, EnumSet.of(IDLE, SUSPECT, CONFIRMED),
      FAILED, EnumSet.of(IDLE, SUSPECT, CONFIRMED, ESCALATED),
      ESCALATED, EnumSet.of(IDLE));

  @Test
  void everyPairFollowsTheTable() {
    int legal = 0;
    for (RecoveryState from : values()) {
      for (RecoveryState to : values()) {
        boolean expected = from == to || EXPECTED.get(from).contains(to);
        assertThat(from.canMoveTo(to)).as(from + " -> " + to).isEqualTo(expected);
        if (expected) {
          assertThat(from.moveTo(to)).isEqualTo(to);
          legal++;
        } else {
          assertThatThrownBy(() -> from.moveTo(to)).isInstanceOf(IllegalStateException.class)
              .hasMessageContaining(from + " -> " + to);
        }
      }
    }
    assertThat(legal).isEqualTo(8 + 20);
  }

  @Test
  void noRecoveryStartsWithoutConfirmation() {
    for (RecoveryState from : values()) {
      if (from != CONFIRMED) {
        assertThat(from.canMoveTo(RECOVERING)).as(from.name()).isEqualTo(from == RECOVERING);
      }
    }
  }

  @Test
  void escalationEndsOnlyInIdle() {
    assertThat(ESCALATED.allowed()).containsExactly(IDLE);
  }

  @Test
  void recoveringAndVerifyingAreInRecovery() {
    assertThat(EnumSet.allOf(RecoveryState.class).stream().filter(RecoveryState::inRecovery))
        .containsExactlyInAnyOrder(RECOVERING, VERIFYING);
  }
}

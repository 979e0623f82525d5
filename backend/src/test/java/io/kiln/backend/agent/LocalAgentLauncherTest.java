package io.kiln.backend.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The allocator settings the local agent starts with, merged with the person's own. */
class LocalAgentLauncherTest {
  private static final String OURS = LocalAgentLauncher.MALLOC_TUNABLES;

  @Test
  void addsAllOurSettingsWhenThePersonSetOtherTunables() {
    assertEquals(
        "glibc.malloc.arena_max=2:" + OURS,
        LocalAgentLauncher.tunables("glibc.malloc.arena_max=2", OURS));
  }

  @Test
  void keepsThePersonsOwnValueForASettingTheyChose() {
    assertEquals(
        "glibc.malloc.trim_threshold=0:glibc.malloc.mmap_threshold=33554432"
            + ":glibc.malloc.hugetlb=1",
        LocalAgentLauncher.tunables("glibc.malloc.trim_threshold=0", OURS));
  }

  @Test
  void aSettingWhoseNameEndsLikeOursIsNotMistakenForIt() {
    assertEquals(
        "x.glibc.malloc.mmap_threshold=1:" + OURS,
        LocalAgentLauncher.tunables("x.glibc.malloc.mmap_threshold=1", OURS));
  }
}

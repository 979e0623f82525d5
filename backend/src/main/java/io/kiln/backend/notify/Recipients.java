package io.kiln.backend.notify;

import io.kiln.backend.auth.AppUser;
import java.util.List;

/** Who is told in the app: a team's leads (or the admins where it has none), the admins. */
final class Recipients {
  private Recipients() {}

  static List<String> leadsOf(Long teamId) {
    List<String> leads =
        teamId == null
            ? List.of()
            : AppUser.<AppUser>find(
                    "select u from AppUser u join u.teams t"
                        + " where t.id = ?1 and u.role = ?2 and u.disabled = false",
                    teamId,
                    AppUser.LEAD)
                .stream()
                .map(u -> u.username)
                .toList();
    return leads.isEmpty() ? admins() : leads;
  }

  static List<String> admins() {
    return AppUser.<AppUser>find("role = ?1 and disabled = false", AppUser.ADMIN).stream()
        .map(u -> u.username)
        .toList();
  }
}

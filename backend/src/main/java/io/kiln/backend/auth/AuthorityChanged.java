package io.kiln.backend.auth;

/**
 * A CDI event, fired in the transaction that changed what a person may see or whether their
 * sessions hold: a role, their teams, a disabled account, a reset password, a logout. Whatever
 * holds a person's authority beyond one request (a run's live socket) checks it again.
 *
 * @param username whose authority changed
 */
public record AuthorityChanged(String username) {}

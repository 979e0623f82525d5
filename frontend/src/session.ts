// Who is logged in, for pages that show controls by role (the server enforces every rule anyway).
import type { Me, Run } from './api';

let me: Me | null = null;

export function setMe(value: Me | null) {
  me = value;
}

export function currentUser(): Me | null {
  return me;
}

/** A lead or an admin: reviews, archives and changes every run of their teams. */
export function isLead(): boolean {
  return me?.role === 'lead' || me?.role === 'admin';
}

/** The one who launched the run, or a lead. */
export function mayChange(run: Run): boolean {
  return isLead() || me?.username === run.createdBy;
}

// The audit log: who tried what, and whether it was done or refused, with the exact text concerned.
import type { AuditEntry } from '../../domain/incidents/index.js';

export interface AuditRecord {
  at: number;
  /** Null when no person acted (a scheduler, the system). */
  userId: string | null;
  action: string;
  /** accepted, refused, no_op, or refused:<reason> for requests refused before any use case. */
  outcome: string;
  incidentId: string | null;
  text?: string | null;
  data: Record<string, unknown>;
}

export interface AuditLog {
  record(entry: AuditRecord): Promise<void>;
  /** An incident decision's own entry (accepted, refused or no-op), as the domain wrote it. */
  write(entry: AuditEntry): Promise<void>;
}

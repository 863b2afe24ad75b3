// Named leases (SQLite's single-instance guard): one holder at a time, until it expires. Every
// change is a compare-and-set, so two instances never both believe they hold one.

export interface LeaseRecord {
  holder: string;
  /** Epoch ms. */
  expiresAt: number;
}

export interface Leases {
  /** Creates the lease for `holder` if nobody has it. True when acquired. */
  acquire(name: string, holder: string, expiresAt: number): Promise<boolean>;
  read(name: string): Promise<LeaseRecord | null>;
  /** Takes the lease from `previous` if it is still exactly as read. */
  takeOver(name: string, previous: LeaseRecord, holder: string, expiresAt: number): Promise<boolean>;
  /** Extends the lease if `holder` still has it. False when someone else took it. */
  renew(name: string, holder: string, expiresAt: number): Promise<boolean>;
  release(name: string, holder: string): Promise<void>;
}

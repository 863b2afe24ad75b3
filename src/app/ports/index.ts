// What the use cases need from the outside world, owned here and implemented at the edge: store/
// implements the Store, slack/ the views.
export type * from './audit.js';
export type * from './incidents.js';
export type * from './outbox.js';
export type * from './postmortems.js';
export type * from './reminders.js';
export type * from './store.js';
export type * from './unanswered.js';
export type * from './views.js';
export type * from './channels.js';
export type * from './leases.js';
export type * from './gauges.js';
export type * from './bookkeeping.js';
export type * from './feedback.js';
export type * from './digest.js';
export type * from './installations.js';
export type * from './inbox.js';
export type * from './unfinished.js';

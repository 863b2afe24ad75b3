/** The post-mortem core's public surface. */
export * from './types.js';
export * from './validation.js';
export * from './postmortem.js';
export * from './merge.js';
export {
  renderPostMortemMarkdown,
  membersDraftsMayName,
  exportPostMortemJson,
  formatDateTime,
  formatDuration,
  type PostMortemExportInput,
  type PostMortemJson,
} from './export.js';
export { MemberPseudonyms } from './pseudonyms.js';

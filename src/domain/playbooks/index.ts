/** Playbooks: the file format, its validation, selection, templates and live reload. */
export { playbookFileSchema, playbookName, playbookTextFor, replyTemplateName, LANGUAGES, SEVERITY_LEVELS, BUILT_IN_ROLES } from './schema.js';
export type {
  Playbook,
  PlaybookFile,
  Language,
  SeverityLevel,
  LocalizedText,
  ChecklistStep,
  ReplyTemplate,
  PostMortemQuestion,
  SeverityThresholds,
  DetectorOverrides,
  Quorum,
  SourcePosition,
} from './schema.js';
export { formatProblem, didYouMean } from './problems.js';
export type { PlaybookProblem } from './problems.js';
export { parsePlaybookSource, playbookContentHash } from './parse.js';
export { loadPlaybooks } from './load.js';
export type { LoadResult } from './load.js';
export { PlaybookRegistry } from './registry.js';
export type { PlaybookRegistryOptions, RegistryReload } from './registry.js';
export { selectPlaybook, matchPlaybook, classifySeverity } from './select.js';
export type { SelectionContext, DetectionMeasures } from './select.js';
export { renderTemplate, escapeSlackText, analyzeTemplate, TEMPLATE_VARIABLES, TEMPLATE_VARIABLE_NAMES } from './templates.js';
export type { TemplateVariable, TemplateValues } from './templates.js';
export { servesTeam, playbooksOfTeam } from './watching.js';
export { checkPlaybookReferences } from './reference-check.js';
export type { SlackInventory } from './reference-check.js';
export { parseChannelRef, parsePersonRef, channelMatches } from './ref-syntax.js';
export { playbookJsonSchema } from './json-schema.js';

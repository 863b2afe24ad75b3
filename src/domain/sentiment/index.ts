// Public API of message sentiment: what the watcher, the CLI and other parts call.
export { scoreMessage, LABEL_THRESHOLDS, type ScoreOptions, type SentimentResult } from './score.js';
export { normalizeText, tokenize, DEFAULT_MAX_CHARS, type Tokens } from './normalize.js';
export type { DetectedLanguage, Language, SentimentLabel } from './types.js';
export {
  detectLanguage,
  emptyLanguageMix,
  languageHint,
  updateLanguageMix,
  type ChannelLanguageMix,
  type LanguageGuess,
} from '../language/detect.js';

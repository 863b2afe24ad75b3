// Public API of spike detection: buckets the store persists, the detector and its settings, the
// watcher's per-message path, and the replay helpers the backtest and evaluation share.
export {
  addToBucket,
  addToBucketInPlace,
  bucketStartOf,
  distinctNegativeAuthors,
  emptyBucket,
  removeFromBucket,
  type BucketLimits,
  type BucketSample,
  type ChannelBucket,
  type MessageContribution,
} from './bucket.js';
export {
  evaluateChannel,
  evaluateChannelInPlace,
  initialDetectorState,
  learningStatus,
  stepDetector,
  type ActiveAlert,
  type BucketReading,
  type DetectorDecision,
  type DetectorState,
  type SpikeExplanation,
  type SpikeKind,
} from './detector.js';
export {
  defaultDetectorSettings,
  detectorSettingsSchema,
  resolveDetectorSettings,
  type DetectorSettings,
  type DetectorSettingsOverrides,
} from './settings.js';
export {
  advanceChannel,
  bucketStillOpen,
  contributionOf,
  countMessage,
  observeMessage,
  scoreInChannel,
  watchChannel,
  type ChannelScoreOptions,
  type ChannelWindow,
  type ChatMessage,
  type CountResult,
  type ObserveResult,
  type ScoredChatMessage,
} from './pipeline.js';
export { detectOnCounts, inferBucketMs, type CountPoint } from './series.js';
export { parseCountsCsv, parseTimestamp } from './counts-csv.js';
export { parseJsonlMessage, parseSlackChannels, parseSlackExportDay } from './inputs.js';
export { CalibrationRecorder, type ChannelCalibration } from './calibration.js';
export { flatOptimum, gridCandidates, leaveOneFileOut, neighbourhood, type Candidate, type FoldResult, type GridAxis } from './protocol.js';
export { surpriseOf, upperTailProbability } from './surprise.js';
export { normalisedNabScore, nabStandardProfile, scoreNabFile, type NabFileScore, type NabProfile, type NabWindow } from './nab.js';

export type SentimentLabel = 'negative' | 'neutral' | 'positive';
export type Language = 'en' | 'es';
export type DetectedLanguage = Language | 'unknown';

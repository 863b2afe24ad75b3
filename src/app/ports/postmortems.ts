// What the incident use cases need of post-mortems: a resolved incident gets one, once.
import type { PostMortem } from '../../domain/postmortems/index.js';

export interface PostMortemRecord {
  postMortem: PostMortem;
  version: number;
}

export interface PostMortemRepository {
  load(incidentId: string): Promise<PostMortemRecord | null>;
  insert(postMortem: PostMortem): Promise<void>;
}

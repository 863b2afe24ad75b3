// The synthetic chat the detection benchmarks score: seeded English and Spanish support-channel
// messages (complaints, thanks, questions, mentions, links, emoji) spread over 1,000 channels.
import type { ChatMessage } from '../src/domain/detection/pipeline.js';
import { seededRandom } from '../src/domain/random.js';

export const CHANNELS = 1000;

const EN = [
  'the app keeps crashing when I open settings', 'thanks so much, that fixed it!', 'is anyone else seeing login errors?',
  'this is not working at all, really frustrated', 'love the new dashboard :)', 'when is the next release planned',
  'worst update ever, everything is broken', 'not bad, but the export is still slow', 'can someone from support reply please',
  'I have been waiting three days for a refund', 'great job team, very smooth launch', 'the docs link is dead https://example.com/docs',
  '<@U024BE7LH> can you check ticket 4411?', 'ugh, still broken :rage:', 'meh, it works I guess', 'sooo happy with this release 🎉',
];
const ES = [
  'la app se cae cada vez que abro la configuración', 'muchas gracias, ya funciona!', 'alguien más tiene errores al iniciar sesión?',
  'no funciona nada, estoy harto', 'me encanta el nuevo panel :)', 'cuándo sale la próxima versión', 'pésimo servicio, nadie responde',
  'no está mal, pero la exportación sigue lenta', 'llevo tres días esperando el reembolso', 'excelente trabajo equipo 👏',
  '¿por qué tarda tanto en cargar?', 'qué asco de actualización, todo roto', 'bueno, funciona más o menos', 'jajaja genial 😂',
];
const EXTRA = ['today', 'again', 'for me', 'on mobile', 'in the EU region', 'hoy', 'otra vez', 'en el móvil', '!!!', 'lol', 'please', 'por favor'];

export const WEEK = 7 * 24 * 3_600_000;
export const EPOCH = Date.UTC(2026, 0, 5);

/** The same messages as `makeMessages`, one at a time, so a long stream never sits in memory. */
export function* streamMessages(count: number, seed: number, start = EPOCH, span = WEEK): Generator<ChatMessage> {
  const batch = 10_000;
  for (let done = 0; done < count; done += batch) {
    const size = Math.min(batch, count - done);
    yield* makeMessages(size, seed + done, start + (done / count) * span, (size / count) * span);
  }
}

/** `count` messages spread evenly over [start, start + span), in time order. */
export function makeMessages(count: number, seed: number, start = EPOCH, span = WEEK): ChatMessage[] {
  const random = seededRandom(seed);
  const messages: ChatMessage[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const pool = random() < 0.6 ? EN : ES;
    const text = `${pool[Math.floor(random() * pool.length)]} ${EXTRA[Math.floor(random() * EXTRA.length)]} #${i % 97}`;
    const at = start + Math.floor((i / count) * span);
    messages[i] = { id: `${Math.floor(at / 1000)}.${String(i).padStart(6, '0')}`, channel: `C${Math.floor(random() * CHANNELS)}`, authorId: `U${Math.floor(random() * 5000)}`, at, text };
  }
  return messages;
}

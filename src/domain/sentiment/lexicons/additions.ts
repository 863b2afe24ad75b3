/**
 * Hand-written additions to the base lexicons (AFINN-165 for English, AFINN-es for Spanish), in the
 * same −5…+5 scale: support-chat vocabulary, slang, common misspellings without accents, and
 * multi-word expressions (written with spaces; matched as one unit). Written by the Firebreak
 * authors from general knowledge of the languages, not mined from any data set.
 */
export const englishAdditions: Record<string, number> = {
  // support chat: things that break
  broken: -2, buggy: -2, bug: -1, bugs: -1, glitch: -1, glitchy: -2, crashes: -2, crashing: -2, crashed: -2,
  laggy: -2, outage: -2, unusable: -3, unresponsive: -2, unreliable: -2, downtime: -2, 'not working': -3,
  "doesn't work": -3, 'doesnt work': -3, "isn't working": -3, "won't load": -2, "can't login": -2, "can't log in": -2,
  'stopped working': -3, 'still broken': -3, 'still waiting': -2, 'no response': -2, 'no reply': -2,
  'waste of time': -3, 'waste of money': -3, 'rip off': -3, ripoff: -3, 'ripped off': -3, scam: -3, scammed: -3,
  refund: -1, unacceptable: -3, ridiculous: -3, pathetic: -3, garbage: -3, trash: -3, joke: -1, 'what a joke': -3,
  overpriced: -2, unfair: -2, disappointing: -2, frustrating: -2, infuriating: -3, annoying: -2, sucks: -3,
  worst: -3, terrible: -3, horrible: -3, awful: -3, hate: -3, hated: -3, hates: -3, disgusting: -3,
  'fed up': -3, 'sick of': -3, 'tired of': -2, 'had enough': -2, 'never again': -3, 'cancel my': -2, cancelled: -1, canceled: -1,
  // slang and chat shorthand
  wtf: -4, smh: -2, ugh: -2, meh: -1, fml: -3, ffs: -3, yikes: -2, nope: -1, bs: -2, bullshit: -3, crap: -3, crappy: -3,
  lmao: 2, lmfao: 2, haha: 2, hehe: 1, thx: 2, thanks: 2, thank: 2, ty: 1, tysm: 3, 'thank you': 2, 'thanks a lot': 2,
  awesome: 4, amazing: 4, love: 3, loved: 3, loving: 3, 'well done': 3, kudos: 3, 'good job': 3, 'great job': 3,
  blessed: 3, unfortunately: -2, incredible: 3, dope: 2, lose: -2,
  'can not wait': 3, "can't wait": 3, 'cant wait': 3, excited: 3, 'so excited': 3, yay: 3, woohoo: 3, congrats: 3,
  // neutral fixed phrases that would otherwise score; "like" is mostly a filler or "such as" in chat
  'kind of': 0, 'sort of': 0, 'pretty much': 0, 'no problem': 2, 'no worries': 1, 'no doubt': 1, 'not bad': 2,
  like: 0, 'i like': 2, 'we like': 2, 'really like': 2, 'i really like': 3, 'oh my god': 0, 'oh my': 0, 'like this': 0, 'feel like': 0, 'looks like': 0, 'would like': 0, 'like to': 0,
};

export const spanishAdditions: Record<string, number> = {
  // soporte: cosas que fallan
  'no funciona': -3, 'sigue sin funcionar': -3, 'no sirve': -3, 'no anda': -2, 'no carga': -2, 'se cae': -2, 'se cayo': -2,
  caido: -1, caida: -1, lento: -1, lenta: -1, lentisimo: -2, falla: -2, fallas: -2, fallo: -2, fallando: -2, error: -1, errores: -2,
  bug: -1, reembolso: -1, devolucion: -1, 'sin respuesta': -2, 'nadie responde': -3, 'sigo esperando': -2, 'perdida de tiempo': -3,
  estafa: -3, estafadores: -4, timo: -3, robo: -3, abuso: -3, inaceptable: -3, inutil: -2, inutiles: -3,
  pesimo: -3, pesima: -3, pesimos: -3, malisimo: -3, malisima: -3, fatal: -3, horrible: -3, horroroso: -3, terrible: -3,
  porqueria: -3, basura: -3, mierda: -4, 'una mierda': -4, asco: -3, 'que asco': -3, verguenza: -3, vergonzoso: -3,
  lamentable: -3, decepcion: -2, decepcionado: -2, decepcionada: -2, decepcionante: -2, indignado: -3, indignada: -3,
  indignante: -3, molesto: -2, molesta: -2, enojado: -3, enojada: -3, enfadado: -3, enfadada: -3, cabreado: -3, cabreada: -3,
  harto: -3, harta: -3, hartos: -3, hartas: -3, 'estoy harto': -3, 'estoy harta': -3, cansado: -1, cansada: -1, triste: -2,
  tristeza: -2, odio: -3, odiar: -3, detesto: -3, maldito: -3, maldita: -3, malditos: -3, joder: -2, carajo: -2, 'que mal': -2,
  mal: -2, malo: -2, mala: -2, malos: -2, malas: -2, peor: -3, 'lo peor': -3, feo: -2, fea: -2, chafa: -2, corrupto: -3,
  corruptos: -3, corrupcion: -3, ladrones: -3, ladron: -3, mentira: -2, mentiras: -2, mentiroso: -3, miedo: -2, muerte: -2,
  muertos: -2, victimas: -2, crisis: -2, problema: -1, problemas: -2, culpa: -2, injusto: -2, injusticia: -3,
  // lo bueno
  gracias: 2, 'muchas gracias': 3, 'mil gracias': 3, genial: 3, excelente: 3, buenisimo: 3, buenisima: 3, bueno: 2, buena: 2,
  buenos: 2, buenas: 2, chido: 2, chevere: 2, bacan: 2, guay: 2, crack: 2, jaja: 2, jeje: 1, xd: 1, feliz: 3, felices: 3,
  felicidades: 3, felicitaciones: 3, enhorabuena: 3, bonito: 2, bonita: 2, lindo: 2, linda: 2, hermoso: 3, hermosa: 3,
  precioso: 3, preciosa: 3, increible: 3, maravilloso: 3, maravillosa: 3, perfecto: 3, perfecta: 3, encanta: 3, 'me encanta': 3,
  amo: 3, 'te quiero': 3, 'los quiero': 3, quiero: 0, amor: 3, orgullo: 2, orgulloso: 2, orgullosa: 2, exito: 2, ganas: 1,
  'buen trabajo': 3, bien: 1, 'muy bien': 2, mejor: 2, 'lo mejor': 3, disfrutar: 2, disfruta: 2, divertido: 2,
  espectacular: 3, sonrisa: 2, bello: 3, bella: 3, agradezco: 2, agradecido: 2, agradecida: 2, ilusion: 2, bendecido: 3,
  disfrute: 2, roban: -3, furia: -3, ira: -3, quejarse: -2, penoso: -3, penosa: -3, nefasto: -3, nefasta: -3, deplorable: -3,
  absurdo: -2, absurda: -2, odia: -3, odian: -3, lloro: -2, llorando: -2, llorar: -2, preocupado: -2, preocupada: -2,
  apoyo: 2, esperanza: 2, ojala: 1, bendiciones: 2, saludos: 1, bienvenido: 2, bienvenida: 2, 'buenos dias': 1, 'buenas noches': 1,
  // frases neutras que de otro modo puntuarían
  'sin embargo': 0, 'de nada': 1, 'no pasa nada': 1, 'no hay problema': 2, 'no esta mal': 2, 'nada mal': 2, 'ni modo': -1,
};

/**
 * AFINN-es is a word-by-word machine translation of AFINN, so some entries carry the English word's
 * score onto a Spanish word that means something else or nothing at all ("yes" → "si", which is also
 * "if"; "alone" → "solo", which mostly means "only"; "late" is "beats"; a slur landed on "negro", the
 * colour). These fixes, from knowledge of Spanish, replace the score; `null` removes the word.
 */
export const spanishTranslationFixes: Record<string, number | null> = {
  si: null, solo: null, sola: null, solos: null, solas: null, tipo: null, tipa: null, modo: null, moda: null,
  tiempo: null, listo: null, lista: null, dios: null, sol: null, vivo: null, viva: null, cielo: null, fuego: null,
  pago: null, paga: null, cara: null, caro: -1, negro: null, negra: null, rosa: null, cierto: null, seguro: null,
  favor: null, 'por favor': 0, 'a favor': 1, rapido: null, late: null, importante: 1, 'vale la pena': 1, 'por cierto': 0,
};

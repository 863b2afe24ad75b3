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
  // palabras frecuentes que AFINN-es no trae (conjugaciones, formas femeninas, coloquialismos, frases)
  lamentablemente: -2, desgraciadamente: -2, 'por desgracia': -2, 'me duele': -2, agobiado: -2, agobiada: -2, depresion: -2,
  soledad: -1, perdimos: -2, impotencia: -2, ridicula: -2, pendejo: -3, pendeja: -3, tonta: -2, payaso: -2, mediocre: -2,
  hipocresia: -3, mienten: -3, miente: -3, asesinado: -3, asesinada: -3, herido: -2, heridos: -2, atentado: -3, preocupa: -2,
  'me preocupa': -2, aburre: -2, fastidio: -2, 'que pena': -2, 'que lastima': -2, 'no puedo mas': -3, 'ya basta': -3, castigo: -2,
  odiamos: -3, odias: -3, gusta: 2, agradecimiento: 2, fenomenal: 3, ilusionado: 2, ilusionada: 2, genio: 2, ganamos: 2, golazo: 3,
  idolo: 2, guapa: 2, guapisima: 3, divino: 3, divina: 3, ideal: 2, recomendable: 2, 'de lujo': 3, felicito: 3, bravo: 3,
  'buena suerte': 2, 'mucha suerte': 2, 'un abrazo': 2, wow: 2, riquisimo: 3, disfrutamos: 2, celebramos: 2, fiesta: 2,
  'feliz cumpleaños': 3, logramos: 2, horror: -3,
  // coloquial (España y América) y frases hechas cuyo sentido no es el de sus palabras
  'por fin': 2, 'menos mal': 1, 'a tope': 2, mola: 2, 'mola mucho': 3, chulo: 2, chula: 2, flipante: 2, cutre: -2, 'que rollo': -2,
  pesado: -1, pesada: -1, 'hasta las narices': -3, 'hasta los huevos': -3, 'me cago en': -3, chingon: 2, chingona: 2, chingada: -3,
  'vale madre': -3, 'valen madre': -3, 'descanse en paz': -2, 'en paz descanse': -2, dep: -2, 'te echo de menos': -1,
  'muerto de risa': 2, 'muerta de risa': 2, 'me muero de risa': 2, 'me muero de ganas': 2, 'mejor imposible': 3, 'lo maximo': 3,
  'me cae bien': 2, 'ni de broma': -1, 'madre mia': -1, 'gracias a dios': 2,
  buen: 2, gran: 1, gustan: 2, gustaba: 2, gustaria: 1, encantan: 3, encantaba: 3, encantaria: 2, amamos: 3, aman: 3,
  enamorado: 3, enamorada: 3, injusta: -2, carisimo: -2, carisima: -2, uff: -1, puaj: -2, bah: -1, buu: -2, grr: -2,
  // insultos, quejas y cariño de todos los días: formas (femenino, plural) y frases que AFINN-es no trae,
  // con el valor de su forma base cuando AFINN-es la tiene
  asquerosos: -3, patetica: -2, idiotas: -3, imbeciles: -2, estupida: -2, estupidos: -2, tonteria: -2, tonterias: -2,
  capullo: -3, cabrones: -3, putos: -3, pinche: -2, culero: -3, sinverguenza: -3, sinverguenzas: -3, 'sin verguenza': -3,
  'que triste': -2, tristes: -2, despidos: -2, despido: -2, 'me da asco': -3, 'da asco': -3, 'da pena': -2, 'da verguenza': -3,
  'no hay derecho': -3, aburrida: -2, sufriendo: -2, desesperada: -3, estresada: -2, 'mal servicio': -3, 'pesimo servicio': -3,
  'me gustan': 2, guapos: 3, 'que bien': 2, 'que bueno': 2, 'que lindo': 3, 'que bonito': 3, 'feliz navidad': 3, contenta: 3,
  contentos: 3, emocionada: 3, divertida: 2, fantastica: 4, estupenda: 4, magnifica: 5, besos: 2, 'un beso': 2, guapisimo: 3,
  recomiendo: 2, bonitos: 2, bonitas: 2, lindos: 2, lindas: 2, hermosos: 3, hermosas: 3, preciosos: 3, preciosas: 3, 'te amo': 3,
  // frases neutras que de otro modo puntuarían
  'sin embargo': 0, 'por defecto': 0, 'de nada': 1, 'no pasa nada': 1, 'no hay problema': 2, 'no esta mal': 2, 'nada mal': 2, 'ni modo': -1,
};

/**
 * AFINN-es is a word-by-word machine translation of AFINN, so some entries carry the English word's
 * score onto a Spanish word that means something else or nothing at all ("yes" → "si", which is also
 * "if"; "alone" → "solo", which mostly means "only"; "late" is "beats"; a slur landed on "negro", the
 * colour; "avenge" → "venga", which is "come on"; "arreglado" is "fixed", "perdón" a plain "sorry"). These fixes, from knowledge of Spanish, replace the score; `null` removes the word.
 */
export const spanishTranslationFixes: Record<string, number | null> = {
  si: null, solo: null, sola: null, solos: null, solas: null, tipo: null, tipa: null, modo: null, moda: null,
  tiempo: null, listo: null, lista: null, dios: null, sol: null, vivo: null, viva: null, cielo: null, fuego: null,
  pago: null, paga: null, cara: null, caro: -1, negro: null, negra: null, rosa: null, cierto: null, seguro: null,
  venga: null, arreglado: 1, perdon: 0, favor: null, 'por favor': 0, 'a favor': 1, rapido: null, late: null, importante: 1, 'vale la pena': 1, 'por cierto': 0,
};

/**
 * Entries of AFINN-es that end like a Spanish infinitive but are not one, or whose regular forms are
 * everyday words with another meaning, so their verb forms are not generated: English words and
 * Spanish nouns or adjectives ("hater", "líder", "placer", "popular"); verbs whose forms mean something
 * else ("venga" is venir's, "salvo" is "except", "me da la gana", "mora" a berry, "here" English) or
 * whose score is a translation artefact ("jurar" is to swear an oath, "negocio" business, "realiza",
 * "reduce", "demanda", "cubre", "vacila" are neutral in chat).
 */
export const spanishNonVerbs: ReadonlySet<string> = new Set([
  'downer', 'kinder', 'hater', 'ranter', 'spammer', 'bankster', 'greenwasher', 'roflcopter', 'super', 'cancer', 'lider', 'placer',
  'popular', 'impar', 'telar', 'presar', 'ganar', 'salvar', 'vengar', 'morir', 'herir', 'cubrir', 'jurar', 'negociar', 'realizar',
  'reducir', 'demandar', 'vacilar',
  // "cumple" is a birthday, "dona" a doughnut (Mexico), "priva" drink or "I love it" (Spain).
  'cumplir', 'donar', 'privar',
]);
